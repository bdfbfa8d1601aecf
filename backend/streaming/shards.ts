import type { Env } from '../env'
import type { StreamingObject } from '../../do/streaming-object'
import type { Delivery } from './streams'

/**
 * How many StreamingObjects hold the sockets. A socket lives in the shard of its account, so an
 * event for one account's streams (home, notifications, direct) costs one object call, and an
 * account's sockets share one object. Public and hashtag events go to every shard: with 8, one
 * public post is 8 calls, and 8 objects share the sockets and the work of sending to them. One
 * global object would put every socket of the instance behind one thread.
 * Changing the number moves accounts between shards: connected sockets stay where they are
 * and miss their account's events until they reconnect, so change it only with a deploy.
 */
export const STREAM_SHARDS = 8

/** FNV-1a of the account id: stable, cheap, and spreads snowflake ids evenly. */
export function shardOf(accountId: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % STREAM_SHARDS
}

export function streamingShard(env: Pick<Env, 'STREAMING'>, shard: number): DurableObjectStub<StreamingObject> {
  return env.STREAMING.get(env.STREAMING.idFromName(`streams:${shard}`))
}

export function accountShard(env: Pick<Env, 'STREAMING'>, accountId: string): DurableObjectStub<StreamingObject> {
  return streamingShard(env, shardOf(accountId))
}

type AccountList = 'user' | 'notification' | 'direct' | 'exclude'
const LISTS: AccountList[] = ['user', 'notification', 'direct', 'exclude']

/** Cuts a delivery into one part per shard, each with only the accounts that live there. */
export function splitByShard(d: Delivery): Map<number, Delivery> {
  const parts = new Map<number, Delivery>()
  const part = (shard: number): Delivery => {
    let p = parts.get(shard)
    if (p === undefined) {
      p = { event: d.event, channels: d.channels, user: [], notification: [], direct: [], exclude: [] }
      if (d.payload !== undefined) p.payload = d.payload
      parts.set(shard, p)
    }
    return p
  }
  if (d.channels.length > 0) for (let i = 0; i < STREAM_SHARDS; i++) part(i)
  for (const list of LISTS) {
    for (const id of d[list]) {
      // Exclusions only matter where there is something to deliver.
      if (list === 'exclude' && !parts.has(shardOf(id))) continue
      part(shardOf(id))[list].push(id)
    }
  }
  if (d.payloadFor !== undefined) {
    for (const [id, payload] of Object.entries(d.payloadFor)) {
      const p = parts.get(shardOf(id))
      if (p !== undefined) p.payloadFor = { ...p.payloadFor, [id]: payload }
    }
  }
  if (d.publicFor !== undefined) {
    for (const [id, payload] of Object.entries(d.publicFor)) {
      const p = parts.get(shardOf(id))
      if (p !== undefined) p.publicFor = { ...p.publicFor, [id]: payload }
    }
  }
  return parts
}

/**
 * Sends a delivery to the shards that hold its audience. Live events are ephemeral: a shard that
 * fails is logged, not retried, since a late retry would show a stale or duplicated event, and a
 * client that reconnects catches up over the REST timelines. Returns the messages sent.
 */
export async function deliver(env: Pick<Env, 'STREAMING'>, d: Delivery): Promise<number> {
  const parts = [...splitByShard(d)]
  const results = await Promise.allSettled(parts.map(([shard, p]) => streamingShard(env, shard).deliver(p)))
  let sent = 0
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') sent += r.value
    else console.error(`streaming: ${d.event} to shard ${parts[i]?.[0]} failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`)
  })
  return sent
}
