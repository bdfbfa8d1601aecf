import type { Db } from '../db/client'
import type { NotificationType } from '../db/schema'
import { renderAccount, type MastodonAccount } from '../mastodon/account'
import { loadStatuses, type MastodonStatus } from '../mastodon/status'

/** The Notification entity as a `notification` event carries it. */
export interface NotificationPayload {
  id: string
  type: NotificationType
  created_at: string
  group_key: string
  account: MastodonAccount
  status?: MastodonStatus
}

/**
 * Renders one stored notification: its row, the account that caused it, and its status if it has one.
 * Null when the notification, its sender or its status is gone.
 */
export async function renderNotificationById(db: Db, notificationId: string, origin: string): Promise<{ accountId: string; payload: NotificationPayload } | null> {
  // A notification the recipient's policy filtered is not announced (nor pushed: backend/push/send.ts).
  const n = await db.selectFrom('notifications').selectAll().where('id', '=', notificationId).where('filtered', '=', 0).executeTakeFirst()
  if (n === undefined) return null
  const [from, statuses] = await Promise.all([
    db.selectFrom('accounts').selectAll().where('id', '=', n.from_account_id).executeTakeFirst(),
    n.status_id === null ? Promise.resolve([]) : loadStatuses(db, [n.status_id], origin),
  ])
  if (from === undefined) return null
  const status = statuses[0]
  if (n.status_id !== null && status === undefined) return null
  return {
    accountId: n.account_id,
    payload: { id: n.id, type: n.type, created_at: n.created_at, group_key: n.group_key, account: renderAccount(from, origin), ...(status ? { status } : {}) },
  }
}
