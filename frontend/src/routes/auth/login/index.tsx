import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { currentIdentity, loginMode, LOGIN_NOT_CONFIGURED, safeReturnTo } from '../../../../../backend/auth/identity'
import { hasUsers } from '../../../../../backend/auth/login'
import { dbOf, envOf } from '../../../platform'
import { formCsrf, formError, withReturnTo } from '../../../auth-page'
import { AuthCard, buttonClass, inputClass } from '../../../components/auth-card'

export const useLogin = routeLoader$(async (ev) => {
  const env = envOf(ev)
  const db = dbOf(ev)
  const mode = loginMode(env)
  const returnTo = safeReturnTo(ev.url.searchParams.get('return_to'))
  const csrf = formCsrf(ev)
  const base = { mode, csrf, returnTo, error: formError(ev), email: ev.url.searchParams.get('email') ?? '', firstUser: false }
  if (mode === null) {
    ev.status(503)
    return { ...base, error: LOGIN_NOT_CONFIGURED }
  }
  // force=1 (from force_login) shows the form even to someone signed in, to switch accounts.
  if (ev.url.searchParams.get('force') !== '1' || mode === 'access') {
    const identity = await currentIdentity(env, db, ev.request)
    if (identity.email !== null) {
      throw ev.redirect(303, identity.user?.account_id ? (returnTo ?? '/') : withReturnTo('/auth/first-login', returnTo))
    }
    if (mode === 'access') {
      ev.status(401)
      return { ...base, error: identity.reason }
    }
  }
  return { ...base, firstUser: !(await hasUsers(db)) }
})

export default component$(() => {
  const page = useLogin()
  const p = page.value
  if (p.mode !== 'builtin') {
    return (
      <AuthCard title="Sign in" error={p.error}>
        {p.mode === 'access' && <p class="mt-4 text-stone-700 dark:text-stone-300">This server signs in through Cloudflare Access. Reload the page to sign in again.</p>}
      </AuthCard>
    )
  }
  return (
    <AuthCard title={p.firstUser ? 'Set up the owner login' : 'Sign in'} error={p.error}>
      {p.firstUser && <p class="mt-4 text-sm text-stone-600 dark:text-stone-400">Nobody can sign in here yet. The email and password you enter now become the owner's login.</p>}
      <form method="post" action="/auth/login/submit" class="mt-6 space-y-4">
        <input type="hidden" name="csrf" value={p.csrf} />
        {p.returnTo !== null && <input type="hidden" name="return_to" value={p.returnTo} />}
        <label class="block">
          <span class="text-sm font-medium">Email</span>
          <input class={inputClass} type="email" name="email" autoComplete="username" required value={p.email} />
        </label>
        <label class="block">
          <span class="text-sm font-medium">Password</span>
          <input class={inputClass} type="password" name="password" autoComplete={p.firstUser ? 'new-password' : 'current-password'} required minLength={p.firstUser ? 8 : undefined} />
        </label>
        <button class={buttonClass} type="submit">
          {p.firstUser ? 'Create the owner login' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  )
})

export const head: DocumentHead = { title: 'Sign in' }
