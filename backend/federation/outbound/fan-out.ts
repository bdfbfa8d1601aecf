// Fan-out: one federate message becomes one delivery message per inbox. Followers are collapsed to their
// shared inboxes, unreachable hosts are left out, and progress is recorded per batch in D1 so a retried
// federate message resumes where it stopped instead of enqueueing deliveries twice.
import { database, type Db } from '../../db/client'
import type { Env } from '../../env'
import type { DeliverMessage, FederateMessage } from '../../queue/messages'
import { buildOutbound, type Outbound } from './activities'
import { hostsToSkip, peerOf } from './peers'

/** Cloudflare Queues: at most 100 messages and 256 KB per sendBatch; we keep a margin for the envelope. */
export const MAX_BATCH_MESSAGES = 100
const MAX_BATCH_BYTES = 200 * 1024

/**
 * The inboxes an activity goes to, sorted (a resumed fan-out must see the same order). For posts, every
 * remote party's shared inbox stands for all its accounts; activities aimed at one account use its inbox.
 */
export async function recipientInboxes(db: Db, actorId: string, outbound: Outbound): Promise<string[]> {
  const inboxes = new Set<string>()
  // Nothing goes to servers the instance suspended.
  const suspended = db.selectFrom('instance_domain_blocks').select('domain').where('severity', '=', 'suspend')
  if (outbound.toFollowers) {
    const rows = await db
      .selectFrom('follows')
      .innerJoin('accounts', 'accounts.id', 'follows.account_id')
      .select((eb) => eb.fn.coalesce('accounts.shared_inbox_url', 'accounts.inbox_url').as('inbox'))
      .distinct()
      .where('follows.target_account_id', '=', actorId)
      .where('follows.state', '=', 'accepted')
      .where('accounts.domain', '!=', '')
      .where('accounts.domain', 'not in', suspended)
      .execute()
    for (const r of rows) if (r.inbox) inboxes.add(r.inbox)
  }
  if (outbound.accountIds.length > 0) {
    const rows = await db
      .selectFrom('accounts')
      .select(['inbox_url', 'shared_inbox_url'])
      .where('id', 'in', outbound.accountIds)
      .where('domain', '!=', '')
      .where('domain', 'not in', suspended)
      .execute()
    for (const r of rows) {
      const inbox = outbound.toFollowers ? (r.shared_inbox_url ?? r.inbox_url) : (r.inbox_url ?? r.shared_inbox_url)
      if (inbox) inboxes.add(inbox)
    }
  }
  return [...inboxes].sort()
}

function batches(messages: DeliverMessage[]): DeliverMessage[][] {
  const out: DeliverMessage[][] = []
  let current: DeliverMessage[] = []
  let bytes = 0
  for (const m of messages) {
    const size = m.activity.length + m.inbox.length + 200
    if (current.length > 0 && (current.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(m)
    bytes += size
  }
  if (current.length > 0) out.push(current)
  return out
}

/** Fan-out progress older than this cannot be resumed any more: the queue gave up on its message long before. */
const PROGRESS_KEPT_MS = 7 * 24 * 3600 * 1000

/** Expands a federate message into deliveries. Returns how many were enqueued by this call. */
export async function fanOut(env: Pick<Env, 'DB' | 'QUEUE'>, msg: FederateMessage): Promise<number> {
  const db = database(env.DB)
  const outbound = await buildOutbound(db, msg)
  if (outbound === null) return 0
  const activityId = outbound.activity.id
  const progress = await db.selectFrom('outbound_fanouts').select(['inboxes', 'enqueued']).where('activity_id', '=', activityId).executeTakeFirst()
  if (progress !== undefined && progress.enqueued >= progress.inboxes) return 0
  const skip = await hostsToSkip(env.DB)
  const inboxes = (await recipientInboxes(db, msg.actorId, outbound)).filter((inbox) => !skip.has(peerOf(inbox)))
  if (progress === undefined) {
    await db.insertInto('outbound_fanouts').values({ activity_id: activityId, inboxes: inboxes.length }).onConflict((oc) => oc.doNothing()).execute()
  }
  const activity = JSON.stringify(outbound.activity)
  let done = progress?.enqueued ?? 0
  const pending = inboxes.slice(done).map((inbox): DeliverMessage => ({ type: 'deliver', actorId: msg.actorId, inbox, activityId, activity, ...(outbound.signAs ? { signAs: outbound.signAs } : {}) }))
  for (const batch of batches(pending)) {
    await env.QUEUE.sendBatch(batch.map((body) => ({ body, contentType: 'json' })))
    done += batch.length
    await db.updateTable('outbound_fanouts').set({ enqueued: done }).where('activity_id', '=', activityId).execute()
  }
  // Now and then (about one fan-out in a hundred), drop progress nothing can resume any more.
  if (Math.random() < 0.01) {
    await db.deleteFrom('outbound_fanouts').where('created_at', '<', new Date(Date.now() - PROGRESS_KEPT_MS).toISOString()).execute()
  }
  return pending.length
}
