import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { OauthAppsTable } from '../db/schema'
import { HttpError, unprocessable } from '../http/errors'
import { newId } from '../ids'
import { parseScopes } from '../auth/scopes'
import { randomSecret, sha256Hex, equalStrings } from '../auth/secrets'

export type AppRow = Selectable<OauthAppsTable>

export const OOB = 'urn:ietf:wg:oauth:2.0:oob'

/**
 * Accepts the redirect URIs clients register: `urn:ietf:wg:oauth:2.0:oob`, web URLs, and custom
 * schemes of mobile apps (`app.tusky://oauth`); refuses relative ones and fragments.
 */
export function validateRedirectUris(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\s+/) : []
  const uris = [...new Set(raw.map((u) => (typeof u === 'string' ? u.trim() : '')).filter((u) => u !== ''))]
  if (uris.length === 0) throw unprocessable('Validation failed: Redirect URI can\'t be blank')
  if (uris.length > 10) throw unprocessable('Validation failed: too many redirect URIs')
  for (const uri of uris) {
    if (uri === OOB) continue
    let u: URL
    try {
      u = new URL(uri)
    } catch {
      throw unprocessable(`Validation failed: Redirect URI must be an absolute URI: ${uri.slice(0, 200)}`)
    }
    if (uri.length > 2000 || u.hash !== '' || /^(javascript|data|vbscript|file):$/i.test(u.protocol)) {
      throw unprocessable(`Validation failed: Redirect URI is not allowed: ${uri.slice(0, 200)}`)
    }
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname === '') throw unprocessable('Validation failed: Redirect URI needs a host')
  }
  return uris
}

function validateName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : ''
  if (name === '') throw unprocessable('Validation failed: Application name can\'t be blank')
  if (name.length > 60) throw unprocessable('Validation failed: Application name is too long (maximum is 60 characters)')
  return name
}

function validateWebsite(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || value.length > 2000 || !/^https?:\/\/[^\s]+$/i.test(value)) throw unprocessable('Validation failed: Website is not a valid URL')
  return value
}

/** The Application entity. */
export function renderApp(app: AppRow, vapidKey: string) {
  const uris = JSON.parse(app.redirect_uris) as string[]
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: app.scopes.split(' '),
    redirect_uri: uris.join('\n'),
    redirect_uris: uris,
    vapid_key: vapidKey,
  }
}

/** POST /api/v1/apps: registers a client; the secret is returned once and stored hashed. */
export async function createApp(db: Db, params: Record<string, unknown>, vapidKey: string) {
  const name = validateName(params.client_name)
  const uris = validateRedirectUris(params.redirect_uris)
  const scopes = parseScopes(params.scopes)
  const website = validateWebsite(params.website)
  const secret = randomSecret()
  const app: AppRow = {
    id: newId(),
    name,
    website,
    redirect_uris: JSON.stringify(uris),
    scopes: scopes.join(' '),
    client_id: randomSecret(),
    client_secret_hash: await sha256Hex(secret),
    created_at: new Date().toISOString(),
  }
  await db.insertInto('oauth_apps').values(app).execute()
  return { ...renderApp(app, vapidKey), client_id: app.client_id, client_secret: secret, client_secret_expires_at: 0 }
}

export async function findApp(db: Db, clientId: unknown): Promise<AppRow | null> {
  if (typeof clientId !== 'string' || clientId === '') return null
  return (await db.selectFrom('oauth_apps').selectAll().where('client_id', '=', clientId).executeTakeFirst()) ?? null
}

export async function findAppById(db: Db, id: string): Promise<AppRow | null> {
  return (await db.selectFrom('oauth_apps').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
}

export async function secretMatches(app: AppRow, secret: string): Promise<boolean> {
  return equalStrings(await sha256Hex(secret), app.client_secret_hash)
}

export function invalidClient(): HttpError {
  return new HttpError(401, 'invalid_client', {}, 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.')
}
