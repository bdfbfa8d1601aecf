import type { Db } from '../db/client'
import { HttpError } from '../http/errors'
import { issueToken, type IssuedToken } from '../auth/tokens'
import { parseScopes, within } from '../auth/scopes'
import { equalStrings, sha256Base64url, sha256Hex } from '../auth/secrets'
import { findApp, invalidClient, secretMatches, type AppRow } from './apps'

function invalidGrant(description: string): HttpError {
  return new HttpError(400, 'invalid_grant', {}, description)
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Client credentials from the body, or HTTP Basic (client_secret_basic). */
export function clientCredentials(request: Request, params: Record<string, unknown>): { clientId: string | null; clientSecret: string | null } {
  const header = request.headers.get('authorization')
  const basic = header !== null ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null
  if (basic?.[1] !== undefined) {
    try {
      const decoded = atob(basic[1])
      const colon = decoded.indexOf(':')
      if (colon > 0) return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) }
    } catch {
      throw invalidClient()
    }
  }
  return { clientId: str(params.client_id), clientSecret: str(params.client_secret) }
}

/** An app whose secret, when given, is right. A null secret is allowed only where PKCE stands in for it. */
export async function authenticateClient(db: Db, clientId: string | null, clientSecret: string | null): Promise<AppRow> {
  const app = await findApp(db, clientId)
  if (app === null) throw invalidClient()
  if (clientSecret !== null && !(await secretMatches(app, clientSecret))) throw invalidClient()
  return app
}

/** POST /oauth/token. */
export async function exchange(db: Db, request: Request, params: Record<string, unknown>): Promise<IssuedToken> {
  const grantType = str(params.grant_type)
  if (grantType === null) throw new HttpError(400, 'invalid_request', {}, 'The grant_type parameter is missing.')
  const { clientId, clientSecret } = clientCredentials(request, params)
  const app = await authenticateClient(db, clientId, clientSecret)

  if (grantType === 'client_credentials') {
    if (clientSecret === null) throw invalidClient()
    const scopes = parseScopes(params.scope)
    if (!within(scopes, app.scopes.split(' '))) throw new HttpError(400, 'invalid_scope', {}, 'The requested scope is not registered by the app.')
    return issueToken(db, { appId: app.id, userId: null, scopes })
  }
  if (grantType !== 'authorization_code') {
    throw new HttpError(400, 'unsupported_grant_type', {}, 'The authorization grant type is not supported by the authorization server.')
  }

  const code = str(params.code)
  if (code === null) throw new HttpError(400, 'invalid_request', {}, 'The code parameter is missing.')
  const codeHash = await sha256Hex(code)
  const row = await db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).where('app_id', '=', app.id).executeTakeFirst()
  if (row === undefined || row.expires_at < new Date().toISOString()) throw invalidGrant('The authorization code is invalid or expired.')
  if (str(params.redirect_uri) !== row.redirect_uri) throw invalidGrant('The redirect_uri does not match the one the code was issued for.')

  const verifier = str(params.code_verifier)
  if (row.code_challenge !== null) {
    if (verifier === null || !equalStrings(await sha256Base64url(verifier), row.code_challenge)) throw invalidGrant('The code_verifier does not match the code_challenge.')
  } else if (clientSecret === null) {
    // Without PKCE, the client secret is the only proof that the caller is the app.
    throw invalidClient()
  }

  // Single use: only one request can flip used_at. A replay also revokes what the code gave out.
  const claimed = await db.updateTable('oauth_codes').set({ used_at: new Date().toISOString() }).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst()
  if (Number(claimed.numUpdatedRows) !== 1) {
    await db.updateTable('oauth_tokens').set({ revoked_at: new Date().toISOString() }).where('code_hash', '=', codeHash).where('revoked_at', 'is', null).execute()
    throw invalidGrant('The authorization code was already used.')
  }
  return issueToken(db, { appId: app.id, userId: row.user_id, scopes: row.scopes.split(' '), codeHash })
}
