import { route } from '../../../backend/http/route'
import { readParams } from '../../../backend/http/body'
import { checkCsrf } from '../../../backend/auth/cookies'
import { currentIdentity, requireLoginMode, safeReturnTo } from '../../../backend/auth/identity'
import { createLocalAccount, validateDisplayName, validateUsername } from '../../../backend/accounts/create'
import { backToForm, seeOther } from '../../../backend/http/form'

// The first-login form's POST: picks the username and creates the local account.
export const onRequest = route({
  POST: async ({ request, env, data }) => {
    requireLoginMode(env)
    const params = await readParams(request)
    checkCsrf(request, params.csrf)
    const returnTo = safeReturnTo(params.return_to)
    const identity = await currentIdentity(env, data.db, request)
    if (identity.email === null) return seeOther(`/auth/login${returnTo === null ? '' : `?return_to=${encodeURIComponent(returnTo)}`}`)
    if (identity.user?.account_id) return seeOther(returnTo ?? '/')
    try {
      await createLocalAccount(env, env.DB, {
        username: validateUsername(params.username),
        displayName: validateDisplayName(params.display_name),
        origin: new URL(request.url).origin,
        user: identity.user !== null ? { existingId: identity.user.id } : { email: identity.email, passwordHash: null, approved: true, reason: '' },
      })
    } catch (err) {
      return backToForm('/auth/first-login', err, {
        return_to: returnTo,
        username: typeof params.username === 'string' ? params.username : null,
        display_name: typeof params.display_name === 'string' ? params.display_name : null,
      })
    }
    return seeOther(returnTo ?? '/')
  },
})
