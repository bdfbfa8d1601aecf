/** Paths that web clients on other origins call. */
const CORS_PREFIXES = ['/api/', '/xrpc/', '/oauth/token', '/oauth/revoke', '/.well-known/', '/nodeinfo/']

export function wantsCors(pathname: string): boolean {
  return CORS_PREFIXES.some((p) => pathname.startsWith(p))
}

export function preflight(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': request.headers.get('Access-Control-Request-Headers') ?? 'Authorization, Content-Type, Idempotency-Key',
      'Access-Control-Max-Age': '86400',
    },
  })
}

export function withCors(response: Response): Response {
  const out = new Response(response.body, response)
  out.headers.set('Access-Control-Allow-Origin', '*')
  out.headers.set('Access-Control-Expose-Headers', 'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id')
  return out
}
