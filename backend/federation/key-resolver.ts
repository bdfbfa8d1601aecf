// Where inbound signatures find their keys: the key cached on the stored actor, or the actor fetched (signed
// by the instance actor) when the key is unknown or the cached one failed to verify (it may have rotated).
import type { Db } from '../db/client'
import { fetchActor, fetchObject, federationUrl, upsertActor, type FetchEnv } from './actors'
import { cachedRemoteKey } from './intake-cache'
import type { KeyResolver, ResolvedKey } from './signatures'

async function storedKey(env: FetchEnv, db: Db, keyId: string, prefetched: Prefetched | undefined): Promise<ResolvedKey | null> {
  const remote = prefetched?.keyId === keyId ? prefetched.key : await cachedRemoteKey(env, db, keyId)
  if (remote) return remote
  // Local accounts publish `<uri>#main-key` and keep no key_id of their own.
  const actorUri = keyId.replace(/#main-key$/, '')
  const local = await db.selectFrom('accounts').select(['uri', 'public_key_pem']).where('uri', '=', actorUri).where('domain', '=', '').executeTakeFirst()
  return local?.public_key_pem ? { publicKeyPem: local.public_key_pem, ownerId: local.uri } : null
}

/** The stored key of the actor now that it was refreshed, if it is the key asked for. */
async function keyOfActor(db: Db, accountId: string, keyId: string): Promise<ResolvedKey | null> {
  const row = await db.selectFrom('accounts').select(['uri', 'key_id', 'public_key_pem']).where('id', '=', accountId).executeTakeFirst()
  return row && row.key_id === keyId && row.public_key_pem ? { publicKeyPem: row.public_key_pem, ownerId: row.uri } : null
}

/** A key the caller already looked up (the inbox reads it with the suspension check, in one cache call). */
export interface Prefetched {
  keyId: string
  key: ResolvedKey | null
}

export function federationKeyResolver(env: FetchEnv, db: Db, prefetched?: Prefetched): KeyResolver {
  return async (keyId, { refresh }) => {
    if (!refresh) {
      const cached = await storedKey(env, db, keyId, prefetched)
      if (cached) return cached
    }
    const url = federationUrl(env, keyId)
    if (!url) return null
    const documentUrl = url.replace(/#.*$/, '')
    // Our own accounts' keys are in D1 already; there is nothing to refetch.
    const local = await db.selectFrom('accounts').select('id').where('uri', '=', documentUrl).where('domain', '=', '').executeTakeFirst()
    if (local) return null
    // Mastodon's key id is the actor with a fragment: fetching it yields the actor. Others serve a Key
    // document naming its owner, whose actor document must then list this key.
    const { json } = await fetchObject(env, db, documentUrl)
    if (json.publicKey !== undefined && json.id === documentUrl) {
      return keyOfActor(db, await upsertActor(env, db, json), keyId)
    }
    const owner = typeof json.owner === 'string' ? json.owner : null
    if (!owner) return null
    return keyOfActor(db, await fetchActor(env, db, owner, { refresh: true }), keyId)
  }
}
