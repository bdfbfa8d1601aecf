// Terraform state kept in a KV namespace, with a lock and a serial guard.
// The logic works over a small KVStore interface so it runs against Miniflare's KV in tests
// and against the Cloudflare KV REST API in CI (rest.ts). No import.meta here: jest loads it.

/** The few KV operations the state store needs. */
export interface KVStore {
  get(key: string): Promise<string | null>
  put(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

export const STATE_KEY = 'terraform/state'
export const LOCK_KEY = 'terraform/lock'
/** A lock older than this is from a job that died without unlocking; a new deploy may take it. */
export const LOCK_TTL_MS = 60 * 60 * 1000

export interface Lock {
  owner: string
  acquiredAt: number
  expiresAt: number
}

export class StateError extends Error {}

function parseLock(text: string | null): Lock | null {
  if (text === null) return null
  try {
    const v = JSON.parse(text) as Partial<Lock>
    if (typeof v.owner === 'string' && typeof v.expiresAt === 'number' && typeof v.acquiredAt === 'number') return v as Lock
  } catch {
    // A lock we cannot read is treated as held until it is removed by hand: never guess.
  }
  return { owner: 'unreadable lock', acquiredAt: 0, expiresAt: Date.UTC(9999, 0, 1) }
}

/**
 * Takes the lock for `owner`. Refuses while another owner holds an unexpired lock. KV has no
 * compare-and-swap, so after writing it reads back: of two racing writers only the one whose
 * write survived proceeds (KV is last-writer-wins per key within a location; CI runs deploys
 * one at a time through the workflow's concurrency group as well).
 */
export async function lock(kv: KVStore, owner: string, now = Date.now(), ttlMs = LOCK_TTL_MS): Promise<Lock> {
  const held = parseLock(await kv.get(LOCK_KEY))
  if (held && held.owner !== owner && held.expiresAt > now) {
    throw new StateError(
      `state is locked by ${held.owner} until ${new Date(held.expiresAt).toISOString()}; another deploy is running. ` +
        `If it died, wait for the lock to expire or run: node scripts/tfstate.ts unlock --force`,
    )
  }
  const mine: Lock = { owner, acquiredAt: now, expiresAt: now + ttlMs }
  await kv.put(LOCK_KEY, JSON.stringify(mine))
  const after = parseLock(await kv.get(LOCK_KEY))
  if (!after || after.owner !== owner) throw new StateError(`lost the race for the state lock to ${after?.owner ?? 'nobody'}`)
  return mine
}

/** Releases the lock if `owner` holds it (or always, with force). */
export async function unlock(kv: KVStore, owner: string, force = false): Promise<void> {
  const held = parseLock(await kv.get(LOCK_KEY))
  if (!held) return
  if (held.owner !== owner && !force) throw new StateError(`state lock is held by ${held.owner}, not ${owner}`)
  await kv.delete(LOCK_KEY)
}

async function requireLock(kv: KVStore, owner: string, now: number): Promise<void> {
  const held = parseLock(await kv.get(LOCK_KEY))
  if (!held || held.owner !== owner || held.expiresAt <= now) throw new StateError(`${owner} does not hold the state lock; run lock first`)
}

interface TfState {
  serial: number
  lineage: string
}

function stateHeader(text: string, what: string): TfState {
  let v: Partial<TfState>
  try {
    v = JSON.parse(text) as Partial<TfState>
  } catch {
    throw new StateError(`${what} is not JSON`)
  }
  if (typeof v.serial !== 'number' || typeof v.lineage !== 'string') throw new StateError(`${what} has no serial/lineage: not a Terraform state`)
  return { serial: v.serial, lineage: v.lineage }
}

/** The stored state, or null when there is none yet (first deploy). */
export async function pull(kv: KVStore): Promise<string | null> {
  return kv.get(STATE_KEY)
}

/**
 * Stores `state` if the caller holds the lock and it is not older than what is stored: the same
 * lineage and a serial at least the stored one. Terraform raises the serial on every change, so a
 * job that planned from stale state cannot overwrite a newer one.
 */
export async function push(kv: KVStore, owner: string, state: string, now = Date.now()): Promise<'stored' | 'unchanged'> {
  await requireLock(kv, owner, now)
  const next = stateHeader(state, 'the local state')
  const storedText = await kv.get(STATE_KEY)
  if (storedText !== null) {
    const stored = stateHeader(storedText, 'the stored state')
    if (stored.lineage !== next.lineage) {
      throw new StateError(`refusing to replace state of lineage ${stored.lineage} with lineage ${next.lineage}: that is a different Terraform state`)
    }
    if (next.serial < stored.serial) {
      throw new StateError(`refusing to overwrite newer state: stored serial ${stored.serial}, local serial ${next.serial}`)
    }
    if (storedText === state) return 'unchanged'
    if (next.serial === stored.serial) throw new StateError(`state differs from the stored one at the same serial ${stored.serial}`)
  }
  // The previous state is kept too, so a bad apply can be rolled back by hand.
  if (storedText !== null) await kv.put(`${STATE_KEY}/previous`, storedText)
  await kv.put(STATE_KEY, state)
  return 'stored'
}
