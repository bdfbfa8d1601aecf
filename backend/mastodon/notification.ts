import type { Selectable } from 'kysely'
import type { NotificationsTable } from '../db/schema'
import type { MastodonAccount } from './account'
import type { MastodonStatus } from './status'

export type NotificationRow = Selectable<NotificationsTable>

/** The Mastodon Notification entity, with the group key stored when it was created. */
export function renderNotification(row: NotificationRow, account: MastodonAccount, status: MastodonStatus | null) {
  return {
    id: row.id,
    type: row.type,
    group_key: row.group_key,
    created_at: row.created_at,
    account,
    ...(row.status_id !== null ? { status } : {}),
  }
}

export type MastodonNotification = ReturnType<typeof renderNotification>
