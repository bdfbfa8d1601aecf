import { route } from '../../backend/http/route'
import { readParams } from '../../backend/http/body'
import { authenticateClient, clientCredentials } from '../../backend/oauth/token'
import { invalidClient } from '../../backend/oauth/apps'
import { revokeToken } from '../../backend/auth/tokens'
import { HttpError } from '../../backend/http/errors'

export const onRequest = route({
  POST: async ({ request, data }) => {
    const params = { ...Object.fromEntries(new URL(request.url).searchParams), ...(await readParams(request)) }
    const { clientId, clientSecret } = clientCredentials(request, params)
    if (clientSecret === null) throw invalidClient()
    const app = await authenticateClient(data.db, clientId, clientSecret)
    if (typeof params.token !== 'string' || params.token === '') throw new HttpError(400, 'invalid_request', {}, 'The token parameter is missing.')
    await revokeToken(data.db, params.token, app.id)
    return Response.json({})
  },
})
