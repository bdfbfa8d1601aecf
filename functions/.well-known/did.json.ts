import { route } from '../../backend/http/route'
import { instanceDidDocument } from '../../backend/atproto/identity-web'

// did:web for the instance's own domain: the service DID a PDS names in describeServer.
export const onRequest = route({
  GET: ({ request }) => Response.json(instanceDidDocument(new URL(request.url).origin), { headers: { 'Cache-Control': 'public, max-age=3600' } }),
})
