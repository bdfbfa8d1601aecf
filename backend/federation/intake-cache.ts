// What the inbox reads for every inbound activity before it can answer 202: whether the sender's
// host is suspended and the sender's public key. Both change rarely and only through the writers
// below, so they are cached (do/cache-object.ts), grouped by host: one cache call answers both.
// Only remote keys are cached; local accounts' keys are read from D1 (they sign to us only in tests).
import { cachedMany, invalidateKeys, type CacheKey } from '../cache/client'
import type { Db } from '../db/client'
import type { Env } from '../env'

type CacheEnv = Pick<Env, 'CACHE'>

/** signatures.ts's ResolvedKey, restated: this module is also imported by the admin pages' bundle. */
interface ResolvedKey {
  publicKeyPem: string
  ownerId: string
}

/** A day: an invalidation that was somehow missed heals by itself; every known writer invalidates at once. */
const TTL_SECONDS = 24 * 3600

const suspendedKey = (host: string): CacheKey => ({ group: host.toLowerCase(), name: 'suspended' })
const actorKey = (host: string, keyId: string): CacheKey => ({ group: host.toLowerCase(), name: `key ${keyId}` })

function hostOf(uri: string): string | null {
  try {
    return new URL(uri).host
  } catch {
    return null
  }
}

async function loadSuspended(db: Db, host: string): Promise<boolean> {
  const row = await db.selectFrom('instance_domain_blocks').select('domain').where('domain', '=', host.toLowerCase()).where('severity', '=', 'suspend').executeTakeFirst()
  return row !== undefined
}

async function loadRemoteKey(db: Db, keyId: string): Promise<ResolvedKey | undefined> {
  const row = await db.selectFrom('accounts').select(['uri', 'public_key_pem']).where('key_id', '=', keyId).where('domain', '<>', '').executeTakeFirst()
  return row?.public_key_pem ? { publicKeyPem: row.public_key_pem, ownerId: row.uri } : undefined
}

/**
 * Whether `actorHost` is suspended, and the stored remote key `keyId` if there is one, in one cache
 * call (both in the host's group when the key is on the actor's host, as it must be to bind).
 */
export async function intakeFacts(env: CacheEnv, db: Db, actorHost: string, keyId: string | null): Promise<{ suspended: boolean; key: ResolvedKey | null }> {
  const keyHost = keyId === null ? null : hostOf(keyId)
  const keys: CacheKey[] = [suspendedKey(actorHost)]
  if (keyId !== null && keyHost !== null) keys.push(actorKey(keyHost, keyId))
  const [suspended, key] = await cachedMany<boolean | ResolvedKey>(
    env,
    keys,
    (missing) => Promise.all(missing.map((k) => (k.name === 'suspended' ? loadSuspended(db, k.group) : loadRemoteKey(db, k.name.slice('key '.length))))),
    TTL_SECONDS,
  )
  return { suspended: suspended === true, key: typeof key === 'object' ? key : null }
}

/** The stored key of a remote actor, through the cache (the resolver's first try). */
export async function cachedRemoteKey(env: CacheEnv, db: Db, keyId: string): Promise<ResolvedKey | null> {
  const host = hostOf(keyId)
  if (host === null) return null
  const [key] = await cachedMany<ResolvedKey>(env, [actorKey(host, keyId)], async () => [await loadRemoteKey(db, keyId)], TTL_SECONDS)
  return key ?? null
}

/** An actor's key changed or went (refetched, updated, deleted): call after the D1 write, before answering. */
export async function invalidateActorKeys(env: CacheEnv, keyIds: Array<string | null | undefined>): Promise<void> {
  const keys = keyIds.flatMap((id) => {
    const host = id ? hostOf(id) : null
    return id && host ? [actorKey(host, id)] : []
  })
  if (keys.length > 0) await invalidateKeys(env, keys)
}

/** A domain block was added, changed or lifted. */
export async function invalidateSuspension(env: CacheEnv, host: string): Promise<void> {
  await invalidateKeys(env, [suspendedKey(host)])
}
