import { route } from '../../../backend/http/route'
import { readParams } from '../../../backend/http/body'
import { checkCsrf } from '../../../backend/auth/cookies'
import { requireLoginMode, safeReturnTo } from '../../../backend/auth/identity'
import { passwordLogin } from '../../../backend/auth/login'
import { startSession } from '../../../backend/auth/sessions'
import { backToForm, seeOther } from '../../../backend/http/form'

// The built-in login form's POST (the form itself is the frontend page /auth/login).
export const onRequest = route({
  POST: async ({ request, env, data }) => {
    requireLoginMode(env, 'builtin')
    const params = await readParams(request)
    checkCsrf(request, params.csrf)
    const returnTo = safeReturnTo(params.return_to)
    let user
    try {
      user = await passwordLogin(data.db, params.email, params.password, request.headers.get('cf-connecting-ip') ?? 'unknown')
    } catch (err) {
      return backToForm('/auth/login', err, { return_to: returnTo, email: typeof params.email === 'string' ? params.email : null })
    }
    const cookie = await startSession(data.db, request, user.id)
    const next = user.account_id === null ? `/auth/first-login${returnTo === null ? '' : `?return_to=${encodeURIComponent(returnTo)}`}` : (returnTo ?? '/')
    return seeOther(next, { 'Set-Cookie': cookie })
  },
})
