import type { Db } from './db/client'
import type { Env } from './env'
import { errorMessage, pingCache } from './cache/client'

export const PROBE_NAME = 'health'
/** How often /health may enqueue a probe; more often would flood the queue under load. */
const PROBE_INTERVAL_MS = 30_000

export interface Health {
  status: 'ok' | 'degraded'
  d1: { ok: boolean; error?: string }
  durable_object: { ok: boolean; error?: string }
  queue: { probe_enqueued_at: string | null; last_processed_at: string | null; probe_enqueued_now: boolean; error?: string }
}

/**
 * Real round trips: a D1 query, a Durable Object call, and a probe message that the consumer
 * records in D1. The consumer's last processing time is what proves the queue is draining.
 */
export async function checkHealth(env: Pick<Env, 'CACHE' | 'QUEUE'>, db: Db, now = Date.now()): Promise<Health> {
  const [d1, durableObject] = await Promise.all([
    db
      .selectFrom('queue_heartbeats')
      .selectAll()
      .where('name', '=', PROBE_NAME)
      .executeTakeFirst()
      .then(
        (row) => ({ ok: true as const, row }),
        (err: unknown) => ({ ok: false as const, error: errorMessage(err) }),
      ),
    pingCache(env).then(
      (ok) => ({ ok }),
      (err: unknown) => ({ ok: false, error: errorMessage(err) }),
    ),
  ])

  const row = d1.ok ? d1.row : undefined
  const queue: Health['queue'] = {
    probe_enqueued_at: row?.enqueued_at ?? null,
    last_processed_at: row?.processed_at ?? null,
    probe_enqueued_now: false,
  }
  const lastEnqueued = row?.enqueued_at ? Date.parse(row.enqueued_at) : 0
  if (d1.ok && now - lastEnqueued >= PROBE_INTERVAL_MS) {
    const enqueuedAt = new Date(now).toISOString()
    try {
      // Claim the probe slot first so concurrent health checks enqueue one probe, not many.
      const claimed = await db
        .insertInto('queue_heartbeats')
        .values({ name: PROBE_NAME, enqueued_at: enqueuedAt })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ enqueued_at: enqueuedAt })
            .where('queue_heartbeats.enqueued_at', 'is', row?.enqueued_at ?? null),
        )
        .executeTakeFirst()
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) > 0) {
        await env.QUEUE.send({ type: 'probe', name: PROBE_NAME, enqueuedAt })
        queue.probe_enqueued_at = enqueuedAt
        queue.probe_enqueued_now = true
      }
    } catch (err) {
      queue.error = errorMessage(err)
    }
  }

  const ok = d1.ok && durableObject.ok && queue.error === undefined
  return {
    status: ok ? 'ok' : 'degraded',
    d1: d1.ok ? { ok: true } : { ok: false, error: d1.error },
    durable_object: durableObject,
    queue,
  }
}

/** The consumer's side of the probe. Idempotent: a redelivered probe just records again. */
export async function recordProbe(db: Db, name: string, messageId: string, now = Date.now()): Promise<void> {
  const processedAt = new Date(now).toISOString()
  await db
    .insertInto('queue_heartbeats')
    .values({ name, processed_at: processedAt, last_message_id: messageId })
    .onConflict((oc) => oc.column('name').doUpdateSet({ processed_at: processedAt, last_message_id: messageId }))
    .execute()
}
