import type { Db } from '../db/client'
import type { Env } from '../env'
import { HttpError } from '../http/errors'
import type { UserRow } from '../mastodon/account'
import { verifyAccess } from './access'
import { sessionUser } from './sessions'

export type LoginMode = 'builtin' | 'access'

export const LOGIN_NOT_CONFIGURED =
  'Sign-in is not configured on this server. The owner must set HERD_LOGIN to "access" (with ACCESS_TEAM_DOMAIN and ACCESS_AUD) or to "builtin".'

export function loginMode(env: Pick<Env, 'HERD_LOGIN'>): LoginMode | null {
  return env.HERD_LOGIN === 'builtin' || env.HERD_LOGIN === 'access' ? env.HERD_LOGIN : null
}

export function requireLoginMode(env: Pick<Env, 'HERD_LOGIN'>, wanted?: LoginMode): LoginMode {
  const mode = loginMode(env)
  if (mode === null) throw new HttpError(503, LOGIN_NOT_CONFIGURED)
  if (wanted !== undefined && mode !== wanted) throw new HttpError(404, `This server signs in with ${mode === 'access' ? 'Cloudflare Access' : 'email and password'}`)
  return mode
}

/** Someone signed in: by Access (maybe without a user row yet) or by a built-in session. */
export type Identity = { email: string; user: UserRow | null } | { email: null; user: null; reason: string }

/** Who is at the browser, by the configured login mode. */
export async function currentIdentity(env: Env, db: Db, request: Request): Promise<Identity> {
  const mode = loginMode(env)
  if (mode === 'builtin') {
    const user = await sessionUser(db, request)
    return user === null ? { email: null, user: null, reason: 'Not signed in' } : { email: user.email, user }
  }
  if (mode === 'access') {
    const result = await verifyAccess(env, request)
    if (!result.ok) return { email: null, user: null, reason: result.reason }
    const user = await db.selectFrom('users').selectAll().where('email', '=', result.email.toLowerCase()).executeTakeFirst()
    return { email: result.email.toLowerCase(), user: user ?? null }
  }
  return { email: null, user: null, reason: LOGIN_NOT_CONFIGURED }
}

export { safeReturnTo } from './return-to'
