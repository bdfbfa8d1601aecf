import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { AuthCard } from '../../../../components/auth-card'

// The out-of-band flow (redirect_uri urn:ietf:wg:oauth:2.0:oob): the person copies the code into the app.
export const useCode = routeLoader$((ev) => {
  ev.headers.set('Cache-Control', 'no-store')
  return { code: ev.url.searchParams.get('code'), error: ev.url.searchParams.get('error') }
})

export default component$(() => {
  const p = useCode().value
  if (p.code === null) return <AuthCard title="Authorization denied" error={p.error ?? 'No code'} />
  return (
    <AuthCard title="Authorization code">
      <p class="mt-4 text-stone-700 dark:text-stone-300">Copy this code and paste it into the app:</p>
      <input readOnly class="mt-3 block w-full rounded-lg bg-stone-100 px-3 py-2 font-mono text-sm dark:bg-stone-800" value={p.code} data-testid="oob-code" />
    </AuthCard>
  )
})

export const head: DocumentHead = { title: 'Authorization code' }
