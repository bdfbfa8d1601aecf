import { database } from '../db/client'
import type { Env } from '../env'
import { notificationStatements, notificationsCommitted, type NewNotification } from '../notifications/create'
import { federate } from '../statuses/federate'

/** Polls one cron run closes; the rest wait a minute. */
const PER_RUN = 50
/** Local voters told of one poll's end (Mastodon tells them all; a poll with more waits on a later change). */
const MAX_NOTIFIED = 1000

/**
 * The cron handler's half for polls: each poll past its end is closed once. Its closing, and the `poll`
 * notifications of its local voters and local author, commit in one batch; the notification keys make a
 * retried or overlapping run notify nobody twice. A local poll's final counts go out as an Update.
 */
export async function closeEndedPolls(env: Pick<Env, 'DB' | 'QUEUE'>, now = Date.now()): Promise<number> {
  const db = database(env.DB)
  const at = new Date(now).toISOString()
  const due = await db
    .selectFrom('polls')
    .innerJoin('statuses', 'statuses.id', 'polls.status_id')
    .select(['polls.id', 'polls.status_id', 'polls.account_id', 'statuses.local'])
    .where('polls.closed_at', 'is', null)
    .where('polls.expires_at', 'is not', null)
    .where('polls.expires_at', '<=', at)
    .orderBy('polls.expires_at')
    .limit(PER_RUN)
    .execute()
  let closed = 0
  for (const poll of due) {
    const voters = await db
      .selectFrom('poll_votes')
      .innerJoin('accounts', 'accounts.id', 'poll_votes.account_id')
      .select('poll_votes.account_id')
      .distinct()
      .where('poll_votes.poll_id', '=', poll.id)
      .where('accounts.domain', '=', '')
      .limit(MAX_NOTIFIED)
      .execute()
    const recipients = new Set(voters.map((v) => v.account_id))
    if (poll.local === 1) recipients.add(poll.account_id)
    const notify: NewNotification[] = [...recipients].map((accountId) => ({ accountId, fromAccountId: poll.account_id, type: 'poll', statusId: poll.status_id, key: `poll:${poll.id}` }))
    const notifications = notificationStatements(env.DB, notify)
    const [closing] = await env.DB.batch([
      env.DB.prepare('UPDATE polls SET closed_at = ?1, updated_at = ?1 WHERE id = ?2 AND closed_at IS NULL').bind(at, poll.id),
      ...notifications.statements,
    ])
    // Another run closed it first: it also told everyone and federated.
    if ((closing?.meta.changes ?? 0) === 0) continue
    closed++
    await notificationsCommitted(env, notifications.ids)
    if (poll.local === 1) await federate(env, { action: 'update', actorId: poll.account_id, objectId: poll.status_id })
  }
  return closed
}
