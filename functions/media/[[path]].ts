import { route } from '../../backend/http/route'
import { notFound } from '../../backend/http/errors'

/**
 * Types served inline. Uploads are checked from their bytes (backend/media/image-info.ts) and stored
 * with one of these; anything else in the bucket is sent as a download, never rendered, so a stored
 * SVG or HTML file cannot run script on this origin.
 */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'])

// Uploaded media and profile images from R2. Keys are never reused, so responses are immutable.
export const onRequest = route({
  GET: async ({ request, env }) => {
    const key = decodeURIComponent(new URL(request.url).pathname.slice('/media/'.length))
    if (key === '' || key.includes('..')) throw notFound()
    const object = await env.MEDIA.get(key)
    if (object === null) throw notFound()
    const stored = object.httpMetadata?.contentType ?? ''
    const inline = INLINE.has(stored)
    const headers = new Headers({
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Content-Type': inline ? stored : 'application/octet-stream',
      'Content-Disposition': inline ? 'inline' : 'attachment',
      'Content-Length': String(object.size),
    })
    return new Response(object.body, { headers })
  },
})
