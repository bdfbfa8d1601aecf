import type { Env } from '../env'
import type { Context } from '../http/route'
import type { RepoResult } from '../../do/repo/types'

/** An XRPC error: `{"error": name, "message": ...}` with an HTTP status. */
export class XrpcError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message)
  }
}

export function xrpcErrorResponse(status: number, error: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, message }, { status, headers })
}

export const invalidRequest = (message: string): XrpcError => new XrpcError(400, 'InvalidRequest', message)

type XrpcHandler = (ctx: Context, params: URLSearchParams) => Response | Promise<Response>

/** A Pages Function for an XRPC query (GET). Errors come out in XRPC shape, never as HTML. */
export function xrpcQuery(handler: XrpcHandler): PagesFunction<Env> {
  return async (ctx) => {
    const method = ctx.request.method.toUpperCase()
    if (method !== 'GET' && method !== 'HEAD') {
      return xrpcErrorResponse(405, 'InvalidRequest', `Method ${method} is not allowed: this is a query (GET)`, { Allow: 'GET, HEAD' })
    }
    try {
      const response = await handler(ctx as Context, new URL(ctx.request.url).searchParams)
      return method === 'HEAD' ? new Response(null, response) : response
    } catch (err) {
      if (err instanceof XrpcError) return xrpcErrorResponse(err.status, err.error, err.message)
      throw err
    }
  }
}

export function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name)
  if (value === null || value === '') throw invalidRequest(`Error: Params must have the property "${name}"`)
  return value
}

export function optionalParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)
  return value === null || value === '' ? undefined : value
}

export function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Error: ${name} must be an integer`)
  const value = Number(raw)
  if (value < min) throw invalidRequest(`Error: ${name} can not be less than ${min}`)
  if (value > max) throw invalidRequest(`Error: ${name} can not be greater than ${max}`)
  return value
}

export function boolParam(params: URLSearchParams, name: string): boolean {
  const raw = params.get(name)
  if (raw === null || raw === '' || raw === 'false') return false
  if (raw === 'true') return true
  throw invalidRequest(`Error: ${name} must be a boolean`)
}

/** Unwraps a RepoObject answer; its named failures are 400s, as the lexicons define them. */
export function unwrap<T>(result: RepoResult<T>): T {
  if (!result.ok) throw new XrpcError(400, result.error, result.message)
  return result.value
}

export function carResponse(bytes: Uint8Array): Response {
  return new Response(bytes, { headers: { 'Content-Type': 'application/vnd.ipld.car' } })
}
