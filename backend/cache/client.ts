import type { Env } from '../env'

/**
 * Read-through access to the CacheObject shards. The cache is an optimisation: if it fails, the
 * loader's answer (from D1) is still returned, and writers still succeed.
 */
function shard(env: Pick<Env, 'CACHE'>, name: string) {
  return env.CACHE.get(env.CACHE.idFromName(name))
}

export async function cached<T>(
  env: Pick<Env, 'CACHE'>,
  shardName: string,
  key: string,
  load: () => Promise<T>,
  ttlSeconds?: number,
): Promise<T> {
  let version: number | null = null
  try {
    const hit = await shard(env, shardName).get(key)
    // Only this function fills a key, always from the same loader, so the parsed type holds.
    if (hit.json !== null) return JSON.parse(hit.json) as T
    version = hit.version
  } catch (err) {
    console.warn('cache read failed; reading through', errorMessage(err))
  }
  const value = await load()
  if (version !== null) {
    try {
      await shard(env, shardName).fill(key, JSON.stringify(value), version, ttlSeconds)
    } catch (err) {
      console.warn('cache fill failed', errorMessage(err))
    }
  }
  return value
}

/**
 * Invalidates an entry. Called by writers before they return, so the next read loads fresh data.
 * A failure is thrown: a writer that cannot invalidate must not report success with stale caches.
 */
export async function invalidate(env: Pick<Env, 'CACHE'>, shardName: string, key: string): Promise<void> {
  await shard(env, shardName).delete(key)
}

/**
 * How many CacheObjects hold keyed entries (`cachedMany`). An entry lives in the shard its group's
 * hash picks, so no object holds every entry of the instance or serves every request, while the
 * entries one request needs together share a group and cost one call. Changing the number only
 * moves groups to shards where they miss (a miss reads D1): safe at any deploy.
 */
export const CACHE_SHARDS = 16

export interface CacheKey {
  /** What decides the shard: keys read together share it (for example the remote host). */
  group: string
  name: string
}

/** FNV-1a of the group: stable and cheap. */
export function cacheShardOf(group: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < group.length; i++) {
    h ^= group.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return `keys:${(h >>> 0) % CACHE_SHARDS}`
}

const entryKey = (k: CacheKey) => `${k.group}\n${k.name}`

function byShard(keys: CacheKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const k of keys) {
    const name = cacheShardOf(k.group)
    const list = out.get(name) ?? []
    if (!list.includes(entryKey(k))) list.push(entryKey(k))
    out.set(name, list)
  }
  return out
}

/**
 * Read-through for several keys: one `getMany` per shard touched (in parallel), one `load` for all
 * the misses, one `fillMany` per shard. `load` answers for the missing keys (by their index in
 * `missing`); an undefined answer is not cached, so the next read looks again. Values come back in
 * the order of `keys`. If the cache fails, everything comes from `load`, which reads D1.
 */
export async function cachedMany<T>(env: Pick<Env, 'CACHE'>, keys: CacheKey[], load: (missing: CacheKey[]) => Promise<Array<T | undefined>>, ttlSeconds?: number): Promise<Array<T | undefined>> {
  const found = new Map<string, T>()
  const versions = new Map<string, number>()
  await Promise.all(
    [...byShard(keys)].map(async ([name, shardKeys]) => {
      try {
        const reads = await shard(env, name).getMany(shardKeys)
        reads.forEach((r, i) => {
          const k = shardKeys[i] as string
          // Only this function fills these keys, each from the one loader of its kind, so the parsed type holds.
          if (r.json !== null) found.set(k, JSON.parse(r.json) as T)
          else versions.set(k, r.version)
        })
      } catch (err) {
        console.warn('cache read failed; reading through', errorMessage(err))
      }
    }),
  )
  const missing = keys.filter((k) => !found.has(entryKey(k)))
  if (missing.length > 0) {
    const loaded = await load(missing)
    const fills = new Map<string, Array<{ key: string; json: string; version: number; ttlSeconds?: number }>>()
    missing.forEach((k, i) => {
      const value = loaded[i]
      if (value === undefined) return
      found.set(entryKey(k), value)
      const version = versions.get(entryKey(k))
      // A key whose shard did not answer is not filled: its version is unknown.
      if (version === undefined) return
      const name = cacheShardOf(k.group)
      fills.set(name, [...(fills.get(name) ?? []), { key: entryKey(k), json: JSON.stringify(value), version, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) }])
    })
    await Promise.all(
      [...fills].map(([name, entries]) =>
        shard(env, name)
          .fillMany(entries)
          .catch((err: unknown) => console.warn('cache fill failed', errorMessage(err))),
      ),
    )
  }
  return keys.map((k) => found.get(entryKey(k)))
}

/**
 * Invalidates keyed entries, one call per shard. Writers await it after their D1 write and before
 * they answer or ack. A failure is thrown: the write is reported failed (a queue message retries)
 * rather than leaving a stale entry to be read once the cache answers again.
 */
export async function invalidateKeys(env: Pick<Env, 'CACHE'>, keys: CacheKey[]): Promise<void> {
  await Promise.all([...byShard(keys)].map(([name, shardKeys]) => shard(env, name).deleteMany(shardKeys)))
}

export async function pingCache(env: Pick<Env, 'CACHE'>): Promise<boolean> {
  return (await shard(env, 'health').ping()) === 'pong'
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
