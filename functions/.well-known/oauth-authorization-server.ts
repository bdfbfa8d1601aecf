import { route } from '../../backend/http/route'
import { authorizationServerMetadata } from '../../backend/oauth/metadata'

export const onRequest = route({
  GET: ({ request }) => Response.json(authorizationServerMetadata(new URL(request.url).origin)),
})
