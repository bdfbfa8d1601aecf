import { webfinger } from '../../backend/federation/webfinger'
import { route } from '../../backend/http/route'

export const onRequest = route({
  GET: async ({ request, data }) => {
    const url = new URL(request.url)
    const jrd = await webfinger(data.db, url.origin, url.searchParams.get('resource'))
    return Response.json(jrd, { headers: { 'Content-Type': 'application/jrd+json; charset=utf-8', 'Cache-Control': 'max-age=300' } })
  },
})
