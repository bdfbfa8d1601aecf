import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'
import type { Env } from '../env'
import { readCookie } from './cookies'

export type AccessConfig = Pick<Env, 'ACCESS_TEAM_DOMAIN' | 'ACCESS_AUD' | 'HERD_DEV_ACCESS_JWKS_URL'>

export type AccessResult = { ok: true; email: string; subject: string } | { ok: false; reason: string }

/** "myteam", "myteam.cloudflareaccess.com" or "https://myteam.cloudflareaccess.com/" → the issuer URL. */
export function accessIssuer(teamDomain: string): string {
  const host = teamDomain.trim().replace(/^https?:\/\//, '').replace(/\/+$/, '')
  return `https://${host.includes('.') ? host : `${host}.cloudflareaccess.com`}`
}

// One key set per JWKS URL for the isolate's life: jose caches the keys and refetches when a token
// names a kid it does not have (at most once a second, so bad tokens cannot make it hammer the JWKS).
const keySets = new Map<string, JWTVerifyGetKey>()
function keySet(url: string): JWTVerifyGetKey {
  let set = keySets.get(url)
  if (set === undefined) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: 1000, cacheMaxAge: 10 * 60 * 1000, timeoutDuration: 5000 })
    keySets.set(url, set)
  }
  return set
}

/** The Access JWT from the header Access adds, or from the cookie Access sets. */
export function accessToken(request: Request): string | null {
  return request.headers.get('cf-access-jwt-assertion') ?? readCookie(request, 'CF_Authorization')
}

/** Verifies signature (RS256 only), iss, aud, exp and nbf of the Access JWT on the request. */
export async function verifyAccess(env: AccessConfig, request: Request): Promise<AccessResult> {
  if (!env.ACCESS_TEAM_DOMAIN || !env.ACCESS_AUD) return { ok: false, reason: 'Access is not configured: set ACCESS_TEAM_DOMAIN and ACCESS_AUD' }
  const token = accessToken(request)
  if (token === null) return { ok: false, reason: 'No Cloudflare Access token on the request' }
  const issuer = accessIssuer(env.ACCESS_TEAM_DOMAIN)
  try {
    const { payload } = await jwtVerify(token, keySet(env.HERD_DEV_ACCESS_JWKS_URL ?? `${issuer}/cdn-cgi/access/certs`), {
      issuer,
      audience: env.ACCESS_AUD,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'sub', 'email'],
    })
    if (typeof payload.email !== 'string' || payload.email === '') return { ok: false, reason: 'The Access token has no email' }
    return { ok: true, email: payload.email, subject: payload.sub ?? '' }
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'ERR_JWT_INVALID'
    return { ok: false, reason: `The Access token was refused (${code})` }
  }
}
