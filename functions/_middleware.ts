import type { Env } from '../backend/env'
import { prepareRequestData, type RequestData } from '../backend/http/context'
import { toResponse } from '../backend/http/errors'
import { preflight, wantsCors, withCors } from '../backend/http/cors'

// Every request: a metered D1 connection, CORS for cross-origin clients, and thrown errors turned
// into JSON answers.
export const onRequest: PagesFunction<Env, string, RequestData> = async (ctx) => {
  const { pathname } = new URL(ctx.request.url)
  const cors = wantsCors(pathname)
  if (cors && ctx.request.method === 'OPTIONS') return preflight(ctx.request)

  Object.assign(ctx.data, prepareRequestData(ctx.env))
  let response: Response
  try {
    response = await ctx.next()
  } catch (err) {
    response = toResponse(err)
  }
  // A WebSocket upgrade must pass through untouched: rebuilding it would drop the socket.
  if (response.status === 101) return response
  if (cors) response = withCors(response)
  if (ctx.env.HERD_EXPOSE_METRICS === '1') {
    response = new Response(response.body, response)
    response.headers.set('X-Herd-D1-Rows-Read', String(ctx.data.d1.usage.rowsRead))
    response.headers.set('X-Herd-D1-Queries', String(ctx.data.d1.usage.queries))
  }
  return response
}
