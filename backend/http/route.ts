import type { Env } from '../env'
import type { RequestData } from './context'
import { errorResponse } from './errors'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type Context<P extends string = string> = EventContext<Env, P, RequestData>
export type Handler<P extends string = string> = (ctx: Context<P>) => Response | Promise<Response>

/**
 * One Pages Function for a path, dispatching on method. Other methods get 405 with `Allow`,
 * instead of falling through to the catch-all frontend route. HEAD is answered as GET.
 */
export function route<P extends string = string>(
  handlers: Partial<Record<Method, Handler<P>>>,
): PagesFunction<Env, P, RequestData> {
  const allowed = Object.keys(handlers) as Method[]
  if (allowed.includes('GET')) allowed.push('HEAD' as Method)
  return async (ctx) => {
    const method = ctx.request.method.toUpperCase()
    const handler = handlers[(method === 'HEAD' ? 'GET' : method) as Method]
    if (handler === undefined) {
      return errorResponse(405, `Method ${method} is not allowed here`, { Allow: allowed.join(', ') })
    }
    const response = await handler(ctx)
    return method === 'HEAD' ? new Response(null, response) : response
  }
}
