import { route } from '../../../../backend/http/route'
import { openStream } from '../../../../backend/streaming/connect'

// /api/v1/streaming/health, and one stream per path (Server-Sent Events, or a WebSocket upgrade).
export const onRequest = route<'path'>({
  GET: (ctx) => {
    const path = ([] as string[]).concat(ctx.params.path ?? []).join('/')
    if (path === 'health') return new Response('OK', { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } })
    return openStream(ctx, path)
  },
})
