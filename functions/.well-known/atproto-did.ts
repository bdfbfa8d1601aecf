import { route } from '../../backend/http/route'
import { didForHandle } from '../../backend/atproto/identity-handles'

// The https method of handle resolution: on the host name that is the handle (alice.<instance
// domain>), the DID as text. The wildcard route that brings those host names here is in tf/.
export const onRequest = route({
  GET: async ({ request, data }) => {
    const did = await didForHandle(data.db, new URL(request.url).hostname)
    if (did === null) return new Response('No bridged account has this handle\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
    return new Response(did, { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=300' } })
  },
})
