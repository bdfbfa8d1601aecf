import type { NotificationType } from '../db/schema'
import type { Env } from '../env'
import { newId } from '../ids'
import type { NotificationMessage } from '../queue/messages'

export interface NewNotification {
  /** The account to notify. Only local accounts get notifications; others are skipped. */
  accountId: string
  fromAccountId: string
  type: NotificationType
  statusId?: string | null
  /**
   * What makes this event unique for the recipient, e.g. `favourite:<favourite id>` or the
   * activity id. Work is delivered at least once: the same key never notifies twice.
   */
  key: string
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/**
 * One INSERT per notification, for the caller's own D1 batch, so the action and its
 * notifications commit together. Blocks, domain blocks, notification-muting mutes, muted
 * conversations and self-notifications are filtered in the statement itself, at no extra round trip
 * (a poll's author is told their own poll ended, as on Mastodon).
 * Call `notificationsCommitted` with the ids after the batch succeeds.
 */
export function notificationStatements(d1: D1Database, items: readonly NewNotification[]): { statements: D1PreparedStatement[]; ids: string[] } {
  const ids: string[] = []
  const statements = items.map((n) => {
    const id = newId()
    ids.push(id)
    const statusId = n.statusId ?? null
    return d1
      .prepare(
        `INSERT OR IGNORE INTO notifications (id, account_id, from_account_id, type, status_id, dedupe_key)
         SELECT ?1, a.id, ?2, ?3, ?4, ?5 FROM accounts a
          WHERE a.id = ?6 AND a.domain = '' AND (a.id <> ?2 OR ?3 = 'poll')
            AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id = ?2)
            AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = a.id AND m.target_account_id = ?2
                              AND m.notifications = 1 AND (m.expires_at IS NULL OR m.expires_at > ${NOW}))
            AND (?4 IS NULL OR NOT EXISTS (SELECT 1 FROM status_mutes sm WHERE sm.account_id = a.id AND sm.status_id = ?4))
            AND NOT EXISTS (SELECT 1 FROM account_domain_blocks d JOIN accounts f ON f.id = ?2
                             WHERE d.account_id = a.id AND d.domain = f.domain)`,
      )
      .bind(id, n.fromAccountId, n.type, statusId, n.key, n.accountId)
  })
  return { statements, ids }
}

/**
 * After the notifications are stored: hand them to the queue, which sends Web Push and streaming
 * events off the request path. Ids whose insert was skipped are ignored by the consumer.
 */
export async function notificationsCommitted(env: Pick<Env, 'QUEUE'>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  const messages: { body: NotificationMessage }[] = ids.map((notificationId) => ({ body: { type: 'notification', notificationId } }))
  // sendBatch takes at most 100 messages.
  for (let i = 0; i < messages.length; i += 100) await env.QUEUE.sendBatch(messages.slice(i, i + 100))
}

/** For callers with nothing else to commit: store the notifications, then queue their delivery. */
export async function createNotifications(env: Pick<Env, 'QUEUE' | 'DB'>, items: readonly NewNotification[]): Promise<void> {
  if (items.length === 0) return
  const { statements, ids } = notificationStatements(env.DB, items)
  await env.DB.batch(statements)
  await notificationsCommitted(env, ids)
}
