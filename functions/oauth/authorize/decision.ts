import { route } from '../../../backend/http/route'
import { readParams } from '../../../backend/http/body'
import { checkCsrf } from '../../../backend/auth/cookies'
import { currentIdentity } from '../../../backend/auth/identity'
import { approve, deny, validateAuthorize } from '../../../backend/oauth/authorize'
import { seeOther } from '../../../backend/http/form'
import { HttpError } from '../../../backend/http/errors'

// The consent form's POST. The page itself (GET /oauth/authorize) is rendered by the frontend.
export const onRequest = route({
  POST: async ({ request, env, data }) => {
    const params = await readParams(request)
    checkCsrf(request, params.csrf)
    const req = await validateAuthorize(data.db, params)
    const identity = await currentIdentity(env, data.db, request)
    if (identity.user === null || identity.user.account_id === null) throw new HttpError(401, 'Sign in first')
    if (identity.user.approved !== 1) throw new HttpError(403, 'Your login is currently pending approval')
    return seeOther(params.decision === 'approve' ? await approve(data.db, req, identity.user.id) : deny(req))
  },
})
