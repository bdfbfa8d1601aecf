import type { Db } from '../db/client'
import { HttpError } from '../http/errors'
import { findToken } from './tokens'
import { grants } from './scopes'

/** Who is calling, from a bearer token. */
export interface TokenAuth {
  tokenId: string
  appId: string | null
  /** null for client_credentials tokens (the app acting for itself). */
  userId: string | null
  accountId: string | null
  scopes: string[]
}

/** A token that acts for a person with an account. */
export interface UserAuth extends TokenAuth {
  userId: string
  accountId: string
}

/** What the helpers need from a handler's ctx: `requireUser(ctx, 'read:accounts')`. */
export interface AuthContext {
  request: Request
  data: { db: Db }
}

/** One scope, or a list of which any one is enough (e.g. `['read:accounts', 'profile']`); `[]`: any valid token. */
export type ScopeRequirement = string | readonly string[]

const INVALID = 'The access token is invalid'

function unauthorized(): HttpError {
  return new HttpError(401, INVALID, { 'WWW-Authenticate': 'Bearer realm="Herd", error="invalid_token", error_description="The access token is invalid"' })
}

/** The bearer token from `Authorization: Bearer …`, or the `access_token` query parameter as Mastodon accepts. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  if (header !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return m?.[1] ?? null
  }
  return new URL(request.url).searchParams.get('access_token')
}

async function check(ctx: AuthContext, token: string, scope: ScopeRequirement): Promise<TokenAuth> {
  const row = await findToken(ctx.data.db, token)
  if (row === null) throw unauthorized()
  const anyOf = typeof scope === 'string' ? [scope] : scope
  if (anyOf.length > 0 && !anyOf.some((s) => grants(row.scopes, s))) throw new HttpError(403, 'This action is outside the authorized scopes')
  if (!row.approved) throw new HttpError(403, 'Your login is currently pending approval')
  return { tokenId: row.tokenId, appId: row.appId, userId: row.userId, accountId: row.accountId, scopes: row.scopes }
}

/** A token found elsewhere than the usual places (the streaming API also reads Sec-WebSocket-Protocol). */
export function authenticateToken(ctx: AuthContext, token: string, scope: ScopeRequirement): Promise<TokenAuth> {
  return check(ctx, token, scope)
}

/** Any valid token with the scope: 401 without a valid token, 403 when the scope is missing. */
export async function requireToken(ctx: AuthContext, scope: ScopeRequirement): Promise<TokenAuth> {
  const token = bearerToken(ctx.request)
  if (token === null) throw unauthorized()
  return check(ctx, token, scope)
}

/** A token acting for a person (not an app-only token): 422 for app tokens, as Mastodon answers. */
export async function requireUser(ctx: AuthContext, scope: ScopeRequirement): Promise<UserAuth> {
  const auth = await requireToken(ctx, scope)
  if (auth.userId === null || auth.accountId === null) throw new HttpError(422, 'This method requires an authenticated user')
  return auth as UserAuth
}

/**
 * For endpoints that also answer anonymously: null without a token. A token that is sent must
 * still be valid and carry the scope.
 */
export async function optionalUser(ctx: AuthContext, scope: ScopeRequirement): Promise<UserAuth | null> {
  const token = bearerToken(ctx.request)
  if (token === null) return null
  const auth = await check(ctx, token, scope)
  return auth.userId !== null && auth.accountId !== null ? (auth as UserAuth) : null
}
