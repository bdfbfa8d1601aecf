import { route } from '../../backend/http/route'
import { readParams } from '../../backend/http/body'
import { authenticateClient, clientCredentials } from '../../backend/oauth/token'
import { invalidClient } from '../../backend/oauth/apps'
import { revokeToken } from '../../backend/auth/tokens'
import { HttpError } from '../../backend/http/errors'
import { closeTokenStreams } from '../../backend/streaming/publish'

export const onRequest = route({
  POST: async (ctx) => {
    const { request, data } = ctx
    const params = { ...Object.fromEntries(new URL(request.url).searchParams), ...(await readParams(request)) }
    const { clientId, clientSecret } = clientCredentials(request, params)
    if (clientSecret === null) throw invalidClient()
    const app = await authenticateClient(data.db, clientId, clientSecret)
    if (typeof params.token !== 'string' || params.token === '') throw new HttpError(400, 'invalid_request', {}, 'The token parameter is missing.')
    const revoked = await revokeToken(data.db, params.token, app.id)
    // Open streams were authorized by the token: they end with it, as in Mastodon.
    if (revoked?.userId) ctx.waitUntil(closeTokenStreams(ctx.env, data.db, revoked.tokenId, revoked.userId))
    return Response.json({})
  },
})
