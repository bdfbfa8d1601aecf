import { DurableObject } from 'cloudflare:workers'

/** What a read returns: the value as JSON text (null on a miss) and the entry's version. */
export interface CacheRead {
  json: string | null
  version: number
}

interface Entry {
  json: string | null
  version: number
  expiresAt: number | null
}

/**
 * A strongly consistent key-value cache. Each object is one shard (callers pick the shard by
 * name, for example per account), and a Durable Object runs its calls one at a time, so a
 * write that invalidates an entry is seen by every read that starts after it returns.
 *
 * Every entry has a version that grows on each put or delete. A reader that missed fills the
 * entry with `fill(key, value, versionSeenOnMiss)`; the fill is refused if a writer has changed the
 * entry since, so a slow reader can never put back data that a writer has already invalidated.
 */
export class CacheObject extends DurableObject {
  private readonly memory = new Map<string, Entry>()

  private async entry(key: string): Promise<Entry | undefined> {
    const cached = this.memory.get(key)
    if (cached !== undefined) return cached
    const stored = await this.ctx.storage.get<Entry>(key)
    if (stored !== undefined) this.memory.set(key, stored)
    return stored
  }

  private async write(key: string, entry: Entry): Promise<void> {
    this.memory.set(key, entry)
    await this.ctx.storage.put(key, entry)
  }

  async get(key: string): Promise<CacheRead> {
    const entry = await this.entry(key)
    if (entry === undefined) return { json: null, version: 0 }
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return { json: null, version: entry.version }
    return { json: entry.json, version: entry.version }
  }

  /** Several entries in one call: a request that needs many keys of a shard pays one round trip. */
  async getMany(keys: string[]): Promise<CacheRead[]> {
    const out: CacheRead[] = []
    for (const k of keys) out.push(await this.get(k))
    return out
  }

  /** `fill` for several entries at once; says which were taken. */
  async fillMany(entries: Array<{ key: string; json: string; version: number; ttlSeconds?: number }>): Promise<boolean[]> {
    const out: boolean[] = []
    for (const e of entries) out.push(await this.fill(e.key, e.json, e.version, e.ttlSeconds))
    return out
  }

  /** Invalidates several entries at once (a writer that changed many values). */
  async deleteMany(keys: string[]): Promise<number[]> {
    const out: number[] = []
    for (const k of keys) out.push(await this.delete(k))
    return out
  }

  /** Sets the value unconditionally. Returns the new version. */
  async put(key: string, json: string, ttlSeconds?: number): Promise<number> {
    const version = ((await this.entry(key))?.version ?? 0) + 1
    await this.write(key, { json, version, expiresAt: expiry(ttlSeconds) })
    return version
  }

  /** Sets the value only if the entry is still at `expectedVersion`. */
  async fill(key: string, json: string, expectedVersion: number, ttlSeconds?: number): Promise<boolean> {
    const current = (await this.entry(key))?.version ?? 0
    if (current !== expectedVersion) return false
    await this.write(key, { json, version: current + 1, expiresAt: expiry(ttlSeconds) })
    return true
  }

  /** Invalidates the entry; its version still grows, so pending fills are refused. */
  async delete(key: string): Promise<number> {
    const version = ((await this.entry(key))?.version ?? 0) + 1
    await this.write(key, { json: null, version, expiresAt: null })
    return version
  }

  async ping(): Promise<string> {
    return 'pong'
  }
}

function expiry(ttlSeconds: number | undefined): number | null {
  return ttlSeconds === undefined ? null : Date.now() + ttlSeconds * 1000
}
