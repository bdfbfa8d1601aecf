import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { currentIdentity, loginMode, LOGIN_NOT_CONFIGURED, safeReturnTo } from '../../../../../backend/auth/identity'
import { dbOf, envOf } from '../../../platform'
import { formCsrf, formError, withReturnTo } from '../../../auth-page'
import { AuthCard, buttonClass, inputClass } from '../../../components/auth-card'

export const useFirstLogin = routeLoader$(async (ev) => {
  const env = envOf(ev)
  const returnTo = safeReturnTo(ev.url.searchParams.get('return_to'))
  const csrf = formCsrf(ev)
  if (loginMode(env) === null) {
    ev.status(503)
    return { email: '', csrf, returnTo, error: LOGIN_NOT_CONFIGURED, username: '', displayName: '' }
  }
  const identity = await currentIdentity(env, dbOf(ev), ev.request)
  if (identity.email === null) throw ev.redirect(303, withReturnTo('/auth/login', returnTo ?? '/auth/first-login'))
  if (identity.user?.account_id) throw ev.redirect(303, returnTo ?? '/')
  const q = ev.url.searchParams
  return { email: identity.email, csrf, returnTo, error: formError(ev), username: q.get('username') ?? '', displayName: q.get('display_name') ?? '' }
})

export default component$(() => {
  const p = useFirstLogin().value
  return (
    <AuthCard title="Choose your name" error={p.error}>
      {p.email !== '' && (
        <>
          <p class="mt-4 text-sm text-stone-600 dark:text-stone-400">
            Signed in as <span class="font-medium">{p.email}</span>. Pick the username people will find you by; it cannot be changed later.
          </p>
          <form method="post" action="/auth/first-login/submit" class="mt-6 space-y-4">
            <input type="hidden" name="csrf" value={p.csrf} />
            {p.returnTo !== null && <input type="hidden" name="return_to" value={p.returnTo} />}
            <label class="block">
              <span class="text-sm font-medium">Username</span>
              <input class={inputClass} name="username" required maxLength={30} pattern="[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_])?" value={p.username} />
            </label>
            <label class="block">
              <span class="text-sm font-medium">Display name</span>
              <input class={inputClass} name="display_name" maxLength={30} value={p.displayName} />
            </label>
            <button class={buttonClass} type="submit">
              Create my account
            </button>
          </form>
        </>
      )}
    </AuthCard>
  )
})

export const head: DocumentHead = { title: 'Choose your name' }
