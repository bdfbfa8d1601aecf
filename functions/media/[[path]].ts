import { route } from '../../backend/http/route'
import { notFound } from '../../backend/http/errors'

// Profile images (and later media) from R2, with the type they were stored with.
export const onRequest = route({
  GET: async ({ request, env }) => {
    const key = decodeURIComponent(new URL(request.url).pathname.slice('/media/'.length))
    if (key === '' || key.includes('..')) throw notFound()
    const object = await env.MEDIA.get(key)
    if (object === null) throw notFound()
    const headers = new Headers({ 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' })
    headers.set('Content-Type', object.httpMetadata?.contentType ?? 'application/octet-stream')
    headers.set('Content-Length', String(object.size))
    return new Response(object.body, { headers })
  },
})
