import type { Db } from '../db/client'
import { HttpError } from '../http/errors'
import { parseScopes, within } from '../auth/scopes'
import { randomSecret, sha256Hex } from '../auth/secrets'
import { findApp, OOB, type AppRow } from './apps'

const CODE_SECONDS = 600

/** A checked authorization request: safe to show on the consent page and to redirect to. */
export interface AuthorizeRequest {
  app: { id: string; name: string; website: string | null; clientId: string }
  redirectUri: string
  scopes: string[]
  state: string | null
  codeChallenge: string | null
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/**
 * Validates /oauth/authorize parameters. Errors are shown on the page, never redirected: an
 * unregistered redirect_uri must not become an open redirect.
 */
export async function validateAuthorize(db: Db, params: Record<string, unknown>): Promise<AuthorizeRequest> {
  const app = await findApp(db, params.client_id)
  if (app === null) throw new HttpError(400, 'Unknown client_id: the app is not registered on this server')
  const registered = JSON.parse(app.redirect_uris) as string[]
  const asked = str(params.redirect_uri) ?? (registered.length === 1 ? registered[0] : null)
  if (asked === null || asked === undefined || !registered.includes(asked)) {
    throw new HttpError(400, 'The redirect_uri does not match any URI registered by this app')
  }
  if (params.response_type !== 'code') throw new HttpError(400, 'Only response_type=code is supported')
  const scopes = parseScopes(params.scope, app.scopes)
  if (!within(scopes, app.scopes.split(' '))) throw new HttpError(400, 'The app asks for scopes it did not register')
  const challenge = str(params.code_challenge)
  const method = str(params.code_challenge_method)
  if (challenge !== null && (method ?? 'plain') !== 'S256') throw new HttpError(400, 'Only the S256 code_challenge_method is supported')
  if (challenge !== null && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new HttpError(400, 'The code_challenge must be a base64url SHA-256')
  const state = str(params.state)
  if (state !== null && state.length > 2000) throw new HttpError(400, 'The state is too long')
  return { app: appSummary(app), redirectUri: asked, scopes, state, codeChallenge: challenge }
}

function appSummary(app: AppRow): AuthorizeRequest['app'] {
  return { id: app.id, name: app.name, website: app.website, clientId: app.client_id }
}

/** The fields the consent form carries back, so the POST can validate the request again. */
export function authorizeFormFields(req: AuthorizeRequest): Record<string, string> {
  const fields: Record<string, string> = { client_id: req.app.clientId, redirect_uri: req.redirectUri, response_type: 'code', scope: req.scopes.join(' ') }
  if (req.state !== null) fields.state = req.state
  if (req.codeChallenge !== null) {
    fields.code_challenge = req.codeChallenge
    fields.code_challenge_method = 'S256'
  }
  return fields
}

/** Where the browser goes after the decision. The oob flow shows the code on our own page. */
function redirectWith(req: AuthorizeRequest, query: Record<string, string>): string {
  if (req.redirectUri === OOB) return `/oauth/authorize/native?${new URLSearchParams(query).toString()}`
  const url = new URL(req.redirectUri)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  if (req.state !== null) url.searchParams.set('state', req.state)
  return url.href
}

/** Approves: a single-use code valid for 10 minutes, bound to app, user, redirect_uri, scopes and PKCE challenge. */
export async function approve(db: Db, req: AuthorizeRequest, userId: string): Promise<string> {
  const code = randomSecret()
  await db
    .insertInto('oauth_codes')
    .values({
      code_hash: await sha256Hex(code),
      app_id: req.app.id,
      user_id: userId,
      redirect_uri: req.redirectUri,
      scopes: req.scopes.join(' '),
      code_challenge: req.codeChallenge,
      expires_at: new Date(Date.now() + CODE_SECONDS * 1000).toISOString(),
      used_at: null,
    })
    .execute()
  await db.deleteFrom('oauth_codes').where('expires_at', '<', new Date(Date.now() - 86_400_000).toISOString()).execute()
  return redirectWith(req, { code })
}

export function deny(req: AuthorizeRequest): string {
  return redirectWith(req, { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' })
}
