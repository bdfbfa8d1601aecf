// Finding remote accounts and statuses the way search and lookup need them: `user@domain` through WebFinger
// then the actor document; an https URL as an actor or a note. Everything fetched is stored, so the ids
// returned are ordinary account and status ids.
import type { Db } from '../db/client'
import type { Env } from '../env'
import { devAllowed, parseDevAllowHosts } from './address-guard'
import { ACTOR_TYPES, fetchActor, fetchObject, federationUrl, upsertActor } from './actors'
import { storeRemoteNote, NOTE_TYPES } from './inbox/notes'
import { record, str, typeOf } from './inbox/read'
import { policyFromEnv, safeFetch } from './safe-fetch'

const WEBFINGER_MAX_BYTES = 64 * 1024

/** The origin local accounts live on, from a stored local account (no request at hand here). */
async function localOrigin(db: Db): Promise<string | undefined> {
  const local = await db.selectFrom('accounts').select('uri').where('domain', '=', '').limit(1).executeTakeFirst()
  return local ? new URL(local.uri).origin : undefined
}

/** https://host, or http://host when the local-development setting allows that host. */
function baseUrlOf(env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS'>, host: string): string {
  try {
    if (devAllowed(new URL(`http://${host}`), parseDevAllowHosts(env.HERD_DEV_ALLOW_HOSTS))) return `http://${host}`
  } catch {
    // Not a host at all: the https fetch below is refused by the guard.
  }
  return `https://${host}`
}

/** The actor URL WebFinger gives for `acct:user@host`, or null. */
async function webfingerActor(env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS'>, username: string, host: string): Promise<string | null> {
  const url = `${baseUrlOf(env, host)}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${host}`)}`
  const res = await safeFetch(url, { headers: { accept: 'application/jrd+json, application/json' } }, policyFromEnv(env, { maxBytes: WEBFINGER_MAX_BYTES, accept: ['application/jrd+json', 'application/json'] }))
  if (res.status !== 200) return null
  const jrd = record(JSON.parse(new TextDecoder().decode(res.body)))
  const links = Array.isArray(jrd?.links) ? jrd.links : []
  for (const l of links) {
    const link = record(l)
    const type = str(link?.type) ?? ''
    if (link?.rel === 'self' && (type.startsWith('application/activity+json') || type.startsWith('application/ld+json'))) return str(link.href)
  }
  return null
}

/**
 * The account id for `user@domain` (a leading @ is allowed): a local account, a stored remote one, or one found
 * through WebFinger and fetched. Null when there is no such account or its server cannot be reached.
 */
export async function resolveAccount(env: Env, db: Db, acct: string): Promise<string | null> {
  const m = /^@?([^@\s/]+)@([^@\s/]+)$/.exec(acct.trim())
  if (!m?.[1] || !m[2]) return null
  const [username, host] = [m[1], m[2].toLowerCase()]
  const origin = await localOrigin(db)
  if (origin !== undefined && new URL(origin).host === host) {
    const local = await db.selectFrom('accounts').select('id').where('username', '=', username).where('domain', '=', '').executeTakeFirst()
    return local?.id ?? null
  }
  const stored = await db.selectFrom('accounts').select(['id', 'uri']).where('username', '=', username).where('domain', '=', host).executeTakeFirst()
  try {
    if (stored) return await fetchActor(env, db, stored.uri, { localOrigin: origin })
    const actorUrl = await webfingerActor(env, username, host)
    if (!actorUrl || !federationUrl(env, actorUrl)) return null
    return await fetchActor(env, db, actorUrl, { localOrigin: origin })
  } catch (err) {
    console.warn(`resolve: ${acct}: ${err instanceof Error ? err.message : String(err)}`)
    return stored?.id ?? null
  }
}

/**
 * Resolves a search query into stored accounts and statuses: `@user@domain`, or an https URL of an actor or a
 * note (local ones are looked up, remote ones fetched signed and stored). Anything else finds nothing.
 */
export async function resolveRemote(env: Env, db: Db, query: string): Promise<{ accountIds: string[]; statusIds: string[] }> {
  const none = { accountIds: [], statusIds: [] }
  const q = query.trim()
  if (/^@?[^@\s/]+@[^@\s/]+$/.test(q)) {
    const id = await resolveAccount(env, db, q)
    return id ? { accountIds: [id], statusIds: [] } : none
  }
  const url = federationUrl(env, q)
  if (!url) return none
  const known = await db.selectFrom('statuses').select('id').where((eb) => eb.or([eb('uri', '=', url), eb('url', '=', url)])).executeTakeFirst()
  if (known) return { accountIds: [], statusIds: [known.id] }
  const account = await db.selectFrom('accounts').select('id').where((eb) => eb.or([eb('uri', '=', url), eb('url', '=', url)])).executeTakeFirst()
  if (account) return { accountIds: [account.id], statusIds: [] }
  const origin = await localOrigin(db)
  if (origin !== undefined && new URL(url).origin === origin) return none
  try {
    const { json } = await fetchObject(env, db, url)
    const type = typeOf(json) ?? ''
    if (ACTOR_TYPES.has(type)) return { accountIds: [await upsertActor(env, db, json)], statusIds: [] }
    if (NOTE_TYPES.has(type)) {
      const id = await storeRemoteNote(env, db, json, { localOrigin: origin ?? '' })
      return id ? { accountIds: [], statusIds: [id] } : none
    }
  } catch (err) {
    console.warn(`resolve: ${url}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return none
}
