import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { currentIdentity, loginMode, LOGIN_NOT_CONFIGURED } from '../../../../../backend/auth/identity'
import { authorizeFormFields, validateAuthorize, type AuthorizeRequest } from '../../../../../backend/oauth/authorize'
import { HttpError } from '../../../../../backend/http/errors'
import { dbOf, envOf } from '../../../platform'
import { formCsrf, withReturnTo } from '../../../auth-page'
import { AuthCard, buttonClass } from '../../../components/auth-card'

/** What each scope lets the app do, in words. */
function describe(scope: string): string {
  if (scope === 'read') return 'Read all your account data'
  if (scope === 'write') return 'Change all your account data and post for you'
  if (scope === 'follow') return 'Follow, block and mute accounts'
  if (scope === 'push') return 'Receive push notifications'
  if (scope === 'profile') return 'Read your basic profile only'
  const [kind, what = ''] = scope.split(/:(.*)/)
  return `${kind === 'read' ? 'Read' : kind === 'write' ? 'Change' : 'Administer'} your ${what.replace(/[:_]/g, ' ')}`
}

// GET /oauth/authorize: the consent page. The decision posts to /oauth/authorize/decision.
export const useAuthorize = routeLoader$(async (ev) => {
  const env = envOf(ev)
  const db = dbOf(ev)
  if (loginMode(env) === null) {
    ev.status(503)
    return { ok: false as const, error: LOGIN_NOT_CONFIGURED }
  }
  const params = Object.fromEntries(ev.url.searchParams)
  let req: AuthorizeRequest
  try {
    req = await validateAuthorize(db, params)
  } catch (err) {
    if (!(err instanceof HttpError)) throw err
    ev.status(400)
    return { ok: false as const, error: err.description ?? err.message }
  }
  const url = new URL(ev.url)
  if (url.searchParams.get('force_login') === 'true' || url.searchParams.get('force_login') === '1') {
    url.searchParams.delete('force_login')
    throw ev.redirect(303, `/auth/login?force=1&return_to=${encodeURIComponent(url.pathname + url.search)}`)
  }
  const here = url.pathname + url.search
  const identity = await currentIdentity(env, db, ev.request)
  if (identity.email === null) throw ev.redirect(303, withReturnTo('/auth/login', here))
  if (!identity.user?.account_id) throw ev.redirect(303, withReturnTo('/auth/first-login', here))
  if (identity.user.approved !== 1) {
    ev.status(403)
    return { ok: false as const, error: 'Your account is waiting for approval by the admin.' }
  }
  const account = await db.selectFrom('accounts').select(['username']).where('id', '=', identity.user.account_id).executeTakeFirst()
  return {
    ok: true as const,
    app: req.app.name,
    website: req.app.website,
    scopes: req.scopes.map((s) => ({ scope: s, text: describe(s) })),
    fields: Object.entries(authorizeFormFields(req)),
    csrf: formCsrf(ev),
    username: account?.username ?? '',
  }
})

export default component$(() => {
  const p = useAuthorize().value
  if (!p.ok) return <AuthCard title="Authorization failed" error={p.error} />
  return (
    <AuthCard title="Authorize this app?">
      <p class="mt-4 text-stone-700 dark:text-stone-300">
        <span class="font-semibold" data-testid="app-name">{p.app}</span>
        {p.website && <span class="text-sm text-stone-500"> ({p.website})</span>} wants to use your account <span class="font-medium">@{p.username}</span>.
      </p>
      <ul class="mt-4 space-y-1 text-sm" data-testid="scopes">
        {p.scopes.map((s) => (
          <li key={s.scope}>
            <code class="rounded bg-stone-100 px-1 dark:bg-stone-800">{s.scope}</code> {s.text}
          </li>
        ))}
      </ul>
      <form method="post" action="/oauth/authorize/decision" class="mt-6 flex gap-3">
        <input type="hidden" name="csrf" value={p.csrf} />
        {p.fields.map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button class="w-full rounded-lg px-4 py-2 font-semibold ring-1 ring-stone-300 hover:bg-stone-100 dark:ring-stone-700 dark:hover:bg-stone-800" type="submit" name="decision" value="deny">
          Deny
        </button>
        <button class={buttonClass} type="submit" name="decision" value="approve">
          Authorize
        </button>
      </form>
    </AuthCard>
  )
})

export const head: DocumentHead = { title: 'Authorize app' }
