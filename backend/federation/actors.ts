// Remote actors: fetched signed by the instance actor, checked, and stored as accounts rows with what
// federation needs (inboxes, collections, key). Stored actors are refreshed once they are older than a day,
// so renamed profiles and rotated keys come through (Wildebeest never refreshed them).
import { invalidateActorKeys } from './intake-cache'
import type { Db } from '../db/client'
import type { Env } from '../env'
import { newId } from '../ids'
import { devAllowed, parseDevAllowHosts } from './address-guard'
import { instanceSigner } from './instance-actor'
import { policyFromEnv, safeFetch, type FetchedResponse } from './safe-fetch'
import { sanitizeHtml } from './sanitize-html'
import { ACTIVITY_ACCEPT, ACTIVITY_TYPES, signedGet } from './signed-fetch'

/** A stored actor older than this is fetched again when it is needed. */
export const ACTOR_REFRESH_MS = 24 * 3600 * 1000
/** Actor documents are a few KB; profile fields and keys fit well within this. */
const ACTOR_MAX_BYTES = 512 * 1024

export const ACTOR_TYPES: ReadonlySet<string> = new Set(['Person', 'Service', 'Application', 'Group', 'Organization'])

export type FetchEnv = Pick<Env, 'HERD_KEK' | 'HERD_DEV_ALLOW_HOSTS' | 'CACHE'>

export class RemoteFetchError extends Error {}

/** A remote object or activity that can never be accepted as it is: retrying would change nothing. */
export class InvalidRemoteObject extends RemoteFetchError {}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** An http(s) URL that the address rules allow (https, or http on a dev-allowed host). */
export function federationUrl(env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS'>, value: unknown): string | null {
  if (typeof value !== 'string') return null
  try {
    const u = new URL(value)
    if (u.protocol === 'https:') return u.href
    if (u.protocol === 'http:' && devAllowed(u, parseDevAllowHosts(env.HERD_DEV_ALLOW_HOSTS))) return u.href
    return null
  } catch {
    return null
  }
}

/** The `url` of an object or link, which may be a string, a Link, or a list of them. */
function urlOf(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value
  if (typeof first === 'string') return first
  const link = record(first)
  return str(link?.href) ?? str(link?.url)
}

/** GETs an ActivityPub document signed by the instance actor and parses it. Throws on refusal, failure or non-JSON. */
export async function fetchObject(env: FetchEnv, db: Db, url: string): Promise<{ json: Record<string, unknown>; url: string }> {
  const signer = await instanceSigner(env, db)
  const policy = { maxBytes: ACTOR_MAX_BYTES }
  const res: FetchedResponse = signer
    ? await signedGet(env, url, signer, policy)
    : await safeFetch(url, { headers: { accept: ACTIVITY_ACCEPT } }, policyFromEnv(env, { accept: ACTIVITY_TYPES, ...policy }))
  if (res.status === 404 || res.status === 410) throw new InvalidRemoteObject(`GET ${url} answered ${res.status}`)
  if (res.status !== 200) throw new RemoteFetchError(`GET ${url} answered ${res.status}`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(res.body))
  } catch {
    throw new RemoteFetchError(`GET ${url} is not JSON`)
  }
  const obj = record(json)
  if (!obj) throw new RemoteFetchError(`GET ${url} is not a JSON object`)
  // The document must be the one its id names, or at least come from that id's origin.
  const id = str(obj.id)
  if (!id || new URL(id, res.url).origin !== new URL(res.url).origin) throw new RemoteFetchError(`GET ${url}: id is not served by its origin`)
  return { json: obj, url: res.url }
}

function fieldsOf(attachment: unknown): string {
  const list = Array.isArray(attachment) ? attachment : attachment ? [attachment] : []
  const fields = list
    .map(record)
    .filter((f): f is Record<string, unknown> => f !== null && f.type === 'PropertyValue' && typeof f.name === 'string')
    .slice(0, 16)
    .map((f) => ({ name: String(f.name).slice(0, 255), value: sanitizeHtml(String(f.value ?? '')).slice(0, 2048), verified_at: null }))
  return JSON.stringify(fields)
}

/**
 * Stores (or refreshes) a remote actor from its document and returns the account id. The document must
 * already be fetched from its own origin (fetchObject); a document claiming a local or malformed id is refused.
 */
export async function upsertActor(env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS' | 'CACHE'>, db: Db, doc: Record<string, unknown>): Promise<string> {
  const id = federationUrl(env, doc.id)
  const type = str(doc.type)
  const username = str(doc.preferredUsername)
  const inbox = federationUrl(env, doc.inbox)
  if (!id || !type || !ACTOR_TYPES.has(type) || !username || !inbox) throw new InvalidRemoteObject(`${String(doc.id)} is not an actor`)
  const domain = new URL(id).host
  const key = record(doc.publicKey)
  const keyId = str(key?.id)
  const keyOwner = str(key?.owner)
  const pem = str(key?.publicKeyPem)
  const keyOk = keyId !== null && pem !== null && (keyOwner === null || keyOwner === id) && new URL(keyId, id).origin === new URL(id).origin
  const endpoints = record(doc.endpoints)
  const values = {
    username: username.slice(0, 255),
    domain,
    uri: id,
    url: federationUrl(env, urlOf(doc.url)) ?? id,
    display_name: (str(doc.name) ?? '').slice(0, 255),
    note: sanitizeHtml(str(doc.summary) ?? ''),
    avatar_url: federationUrl(env, urlOf(record(doc.icon)?.url ?? doc.icon)),
    header_url: federationUrl(env, urlOf(record(doc.image)?.url ?? doc.image)),
    locked: doc.manuallyApprovesFollowers === true ? 1 : 0,
    bot: type === 'Service' || type === 'Application' ? 1 : 0,
    discoverable: doc.discoverable === true ? 1 : 0,
    fields: fieldsOf(doc.attachment),
    actor_type: type,
    inbox_url: inbox,
    shared_inbox_url: federationUrl(env, endpoints?.sharedInbox),
    outbox_url: federationUrl(env, doc.outbox),
    followers_url: federationUrl(env, doc.followers),
    following_url: federationUrl(env, doc.following),
    featured_url: federationUrl(env, doc.featured),
    key_id: keyOk ? keyId : null,
    public_key_pem: keyOk ? pem : null,
    fetched_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
  }
  const { username: _username, domain: _domain, uri: _uri, ...refreshed } = values
  // The key it had, so a rotated-away key stops verifying at once (the intake caches keys by id).
  const before = await db.selectFrom('accounts').select('key_id').where('uri', '=', id).where('domain', '<>', '').executeTakeFirst()
  const row = await db
    .insertInto('accounts')
    .values({ id: newId(), ...values })
    // An actor document never overwrites a local account.
    .onConflict((oc) => oc.column('uri').doUpdateSet(refreshed).where('accounts.domain', '<>', ''))
    .returning('id')
    .executeTakeFirst()
  if (!row) throw new InvalidRemoteObject(`${id} is a local account`)
  await invalidateActorKeys(env, [before?.key_id, values.key_id])
  return row.id
}

/** Whether this uri is served by this instance (a local actor or object): never fetched, never stored as remote. */
function isLocalUri(uri: string, localOrigin: string | undefined): boolean {
  return localOrigin !== undefined && new URL(uri).origin === localOrigin
}

/**
 * The account id of the actor at `uri`: the stored one while fresh, otherwise fetched (signed) and stored.
 * `refresh` forces a fetch (a signature failed: the key may have rotated).
 */
export async function fetchActor(env: FetchEnv, db: Db, uri: string, opts: { refresh?: boolean; localOrigin?: string } = {}): Promise<string> {
  const existing = await db.selectFrom('accounts').select(['id', 'domain', 'fetched_at']).where('uri', '=', uri).executeTakeFirst()
  if (existing && (existing.domain === '' || isLocalUri(uri, opts.localOrigin))) return existing.id
  const fresh = existing?.fetched_at && Date.now() - Date.parse(existing.fetched_at) < ACTOR_REFRESH_MS
  if (existing && fresh && !opts.refresh) return existing.id
  if (!federationUrl(env, uri)) throw new InvalidRemoteObject(`${uri} is not a URL we may fetch`)
  if (await domainSuspended(db, new URL(uri).host)) throw new InvalidRemoteObject(`${new URL(uri).host} is suspended`)
  try {
    const { json } = await fetchObject(env, db, uri)
    if (json.id !== uri) throw new InvalidRemoteObject(`${uri} answered with another actor`)
    return await upsertActor(env, db, json)
  } catch (err) {
    // A stale copy beats none when the actor's server is briefly down.
    if (existing && !opts.refresh) return existing.id
    throw err
  }
}

/** Whether the instance suspended this host: nothing from it is fetched or accepted. */
export async function domainSuspended(db: Db, host: string): Promise<boolean> {
  const row = await db.selectFrom('instance_domain_blocks').select('domain').where('domain', '=', host.toLowerCase()).where('severity', '=', 'suspend').executeTakeFirst()
  return row !== undefined
}

/** The account id of a stored actor, without fetching. */
export async function storedActorId(db: Db, uri: string): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('id').where('uri', '=', uri).executeTakeFirst()
  return row?.id ?? null
}
