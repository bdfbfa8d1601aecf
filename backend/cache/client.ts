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

export async function pingCache(env: Pick<Env, 'CACHE'>): Promise<boolean> {
  return (await shard(env, 'health').ping()) === 'pong'
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
