// The one way to put events on the streaming API. Callers in a request run these in
// `ctx.waitUntil(...)` so the response never waits for them; the queue consumer awaits them.
// None of them throws for a failing shard (see deliver); D1 errors do throw, so a queue message retries.
import type { Db } from '../db/client'
import type { Env } from '../env'
import { renderAccount } from '../mastodon/account'
import { renderStatusRows, type MastodonStatus } from '../mastodon/status'
import { conversationsEndingWith } from '../conversations/read'
import { audienceOfRow, type StatusAudience } from './audience'
import { renderNotificationById } from './notification-payload'
import { personalPayloads, publicFilteredPayloads } from './personal'
import { accountShard, deliver } from './shards'
import { EVERY_USER_CHANNEL } from './streams'

export type { StatusAudience } from './audience'
export { statusAudience } from './audience'

type StreamingEnv = Pick<Env, 'STREAMING'>

let knownOrigin: string | null = null

/**
 * The instance's origin, for code without a request (the consumer): where its local accounts live.
 * It never changes for a deployment, so it is read once per isolate.
 */
async function instanceOrigin(db: Db): Promise<string | null> {
  if (knownOrigin !== null) return knownOrigin
  const local = await db.selectFrom('accounts').select('uri').where('domain', '=', '').limit(1).executeTakeFirst()
  if (local !== undefined) knownOrigin = new URL(local.uri).origin
  return knownOrigin
}

/**
 * A status was created (`update`) or edited (`status.update`): send it to the public and hashtag
 * streams it belongs on, to the `user` stream of every local account whose home timeline holds it
 * (the home_feed rows: call this after the fan-out), and, for a new direct status, a `conversation`
 * to the `direct` stream of its local participants. Blocks and mutes are applied per recipient.
 * `origin` is the request's; the consumer may omit it.
 */
export async function publishStatus(env: StreamingEnv, db: Db, statusId: string, event: 'update' | 'status.update', origin?: string): Promise<number> {
  const row = await db.selectFrom('statuses').selectAll().where('id', '=', statusId).executeTakeFirst()
  if (row === undefined) return 0
  const base = origin ?? (await instanceOrigin(db))
  if (base === null) return 0
  // Who gets it and what they get are read at once: the event waits for one round of queries.
  // Public and hashtag streams get it as a signed-out reader sees it; each `user` stream gets it
  // with that reader's flags and filters, rendered here for all of them in one more round.
  const [audience, [status]] = await Promise.all([audienceOfRow(db, row), renderStatusRows(db, [row], base)])
  if (status === undefined) return 0 // e.g. a reblog of a post that is not public
  const conversation = event === 'update' && audience.direct.length > 0
  if (audience.channels.length === 0 && audience.home.length === 0 && !conversation) return 0
  const excluded = new Set(audience.exclude)
  const readers = audience.home.filter((id) => !excluded.has(id))
  const [{ payloadFor, hidden }, publicFor] = await Promise.all([
    personalPayloads(db, status, readers),
    audience.channels.length > 0 ? publicFilteredPayloads(db, status) : Promise.resolve({}),
  ])
  const user = readers.filter((id) => !hidden.has(id))
  let sent = await deliver(env, { event, payload: JSON.stringify(status), payloadFor, publicFor, channels: audience.channels, user, notification: [], direct: [], exclude: audience.exclude })
  if (conversation) sent += await publishConversation(env, db, status, audience, base)
  return sent
}

/**
 * The `conversation` event of the direct stream: each local participant's own conversation (see
 * backend/conversations), sent when this status became its last one. Participants who block or
 * mute the author have none, so they get nothing.
 */
async function publishConversation(env: StreamingEnv, db: Db, status: MastodonStatus, audience: StatusAudience, origin: string): Promise<number> {
  const rows = await conversationsEndingWith(db, status.id)
  if (rows.length === 0) return 0
  const participants = [...new Set(rows.flatMap((r) => [r.account_id, ...(JSON.parse(r.participants) as string[])]))]
  const accounts = new Map((await db.selectFrom('accounts').selectAll().where('id', 'in', participants.slice(0, 90)).execute()).map((r) => [r.id, renderAccount(r, origin)]))
  const payloadFor: Record<string, string> = {}
  for (const row of rows) {
    const others = JSON.parse(row.participants) as string[]
    const shown = (others.length > 0 ? others : [row.account_id]).flatMap((p) => accounts.get(p) ?? [])
    payloadFor[row.account_id] = JSON.stringify({ id: row.id, unread: row.unread === 1, accounts: shown, last_status: status })
  }
  return deliver(env, { event: 'conversation', payloadFor, channels: [], user: [], notification: [], direct: Object.keys(payloadFor), exclude: audience.exclude })
}

/**
 * A status was deleted. `audience` is what `statusAudience(db, id)` returned before the row was
 * deleted: the event goes to exactly those streams, so no one learns of a post they could not see.
 */
export async function publishDelete(env: StreamingEnv, statusId: string, audience: StatusAudience): Promise<number> {
  return deliver(env, { event: 'delete', payload: statusId, channels: audience.channels, user: audience.home, notification: [], direct: audience.direct, exclude: audience.exclude })
}

/** A notification was stored: a `notification` event on its account's `user:notification` and `user` streams. */
export async function publishNotification(env: StreamingEnv, db: Db, notificationId: string, origin?: string): Promise<number> {
  const base = origin ?? (await instanceOrigin(db))
  if (base === null) return 0
  const rendered = await renderNotificationById(db, notificationId, base)
  if (rendered === null) return 0
  return deliver(env, { event: 'notification', payload: JSON.stringify(rendered.payload), channels: [], user: [], notification: [rendered.accountId], direct: [], exclude: [] })
}

/** A token was revoked: close the WebSocket and SSE connections it opened. */
export async function closeTokenStreams(env: StreamingEnv, db: Db, tokenId: string, userId: string): Promise<void> {
  const user = await db.selectFrom('users').select('account_id').where('id', '=', userId).executeTakeFirst()
  if (user?.account_id) await accountShard(env, user.account_id).closeToken(tokenId)
}

/** The account's keyword filters changed: `filters_changed` on its `user` stream (no payload, as Mastodon sends it). */
export async function publishFiltersChanged(env: StreamingEnv, accountId: string): Promise<number> {
  return deliver(env, { event: 'filters_changed', channels: [], user: [accountId], notification: [], direct: [], exclude: [] })
}

/**
 * Announcements, as Mastodon's streaming server sends them, on the `user` stream of every local
 * account: `announcement` (the Announcement, without per-reader fields) when one is published,
 * `announcement.reaction` ({name, count, announcement_id}) when a reaction's count changes, and
 * `announcement.delete` (the bare id) when one is deleted.
 */
export async function publishAnnouncementEvent(
  env: StreamingEnv,
  event: 'announcement' | 'announcement.reaction' | 'announcement.delete',
  payload: string,
): Promise<number> {
  return deliver(env, { event, payload, channels: [EVERY_USER_CHANNEL], user: [], notification: [], direct: [], exclude: [] })
}
