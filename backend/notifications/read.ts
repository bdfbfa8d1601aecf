import { sql, type SqlBool } from 'kysely'
import type { Db } from '../db/client'
import type { NotificationType } from '../db/schema'
import { isId } from '../ids'
import { notFound } from '../http/errors'
import { renderAccount } from '../mastodon/account'
import { renderNotification, type MastodonNotification, type NotificationRow } from '../mastodon/notification'
import { loadStatuses } from '../mastodon/status'
import { withFilters } from '../filters/apply'
import { visibleStatusesFor } from '../relationships/thread-visibility'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'

export interface NotificationFilter {
  types: string[]
  excludeTypes: string[]
  /** Only notifications from this account. */
  accountId: string | null
  /** Also those the recipient's policy filtered (Mastodon's `include_filtered`). */
  includeFiltered?: boolean
}

const NOW = sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

/**
 * Left out: notifications from accounts the viewer has since blocked, or muted with their
 * notifications, or that block the viewer. Probes of the pair indexes per candidate row.
 */
export function fromVisibleAccount(viewerId: string) {
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = ${viewerId} AND b.target_account_id = n.from_account_id)
    AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = n.from_account_id AND b.target_account_id = ${viewerId})
    AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ${viewerId} AND m.target_account_id = n.from_account_id
                      AND m.notifications = 1 AND (m.expires_at IS NULL OR m.expires_at > ${NOW}))`
}

export interface NotificationPage {
  notifications: MastodonNotification[]
  /** Ids of the first and last rows read, for the Link header (rows dropped in rendering still move the cursor). */
  newest: string | undefined
  oldest: string | undefined
}

/**
 * Renders rows in order: their accounts in one query, their statuses with the usual three; a
 * notification whose status is gone or no longer visible to the viewer is left out.
 */
async function renderRows(db: Db, viewerId: string, rows: NotificationRow[], origin: string): Promise<MastodonNotification[]> {
  if (rows.length === 0) return []
  const accountIds = [...new Set(rows.map((r) => r.from_account_id))]
  const statusIds = rows.map((r) => r.status_id).filter((id): id is string => id !== null)
  const [accounts, statuses] = await Promise.all([
    db.selectFrom('accounts').selectAll().where('id', 'in', accountIds).execute(),
        // Which notifications a mute hides was decided by the query (mutes.notifications).
    loadStatuses(db, statusIds, origin, viewerId)
      .then((s) => visibleStatusesFor(db, viewerId, s, false))
      .then((s) => withFilters(db, viewerId, 'notifications', s)),
  ])
  const accountById = new Map(accounts.map((a) => [a.id, renderAccount(a, origin)]))
  const statusById = new Map(statuses.map((s) => [s.id, s]))
  return rows.flatMap((row) => {
    const account = accountById.get(row.from_account_id)
    const status = row.status_id === null ? null : (statusById.get(row.status_id) ?? null)
    if (!account || (row.status_id !== null && status === null)) return []
    return [renderNotification(row, account, status)]
  })
}

/**
 * The viewer's listed notifications (not held back by their policy) matching the filter, for a
 * keyset page: a range scan of notifications_listed (or the type and sender indexes).
 */
export function listedNotifications(db: Db, viewerId: string, filter: NotificationFilter, page: PageRequest) {
  const { where, order } = keyset('n.id', page)
  let q = db.selectFrom('notifications as n').selectAll('n').where('n.account_id', '=', viewerId).where(where).where(fromVisibleAccount(viewerId))
  if (filter.includeFiltered !== true) q = q.where('n.filtered', '=', 0)
  // One type reads notifications_account_type in id order; several are matched row by row.
  if (filter.types.length === 1) q = q.where('n.type', '=', filter.types[0] as NotificationType)
  else if (filter.types.length > 1) q = q.where(sql<SqlBool>`n.type IN (SELECT value FROM json_each(${JSON.stringify(filter.types)}))`)
  if (filter.excludeTypes.length > 0) q = q.where(sql<SqlBool>`n.type NOT IN (SELECT value FROM json_each(${JSON.stringify(filter.excludeTypes)}))`)
  if (filter.accountId !== null) q = q.where('n.from_account_id', '=', filter.accountId)
  return q.orderBy('n.id', order)
}

/** GET /api/v1/notifications: one range scan of notifications_listed (or its type and sender variants). */
export async function listNotifications(db: Db, viewerId: string, filter: NotificationFilter, page: PageRequest, origin: string): Promise<NotificationPage> {
  const rows = newestFirst(page, await listedNotifications(db, viewerId, filter, page).limit(page.limit).execute())
  return {
    notifications: await renderRows(db, viewerId, rows, origin),
    newest: rows[0]?.id,
    oldest: rows[rows.length - 1]?.id,
  }
}

/** GET /api/v1/notifications/:id: only the viewer's own. */
export async function readNotification(db: Db, viewerId: string, id: string, origin: string): Promise<MastodonNotification> {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('notifications').selectAll().where('id', '=', id).where('account_id', '=', viewerId).executeTakeFirst()
  const [rendered] = row ? await renderRows(db, viewerId, [row], origin) : []
  if (!rendered) throw notFound()
  return rendered
}

/** POST /api/v1/notifications/:id/dismiss */
export async function dismissNotification(db: Db, viewerId: string, id: string): Promise<void> {
  if (!isId(id)) throw notFound()
  const result = await db.deleteFrom('notifications').where('id', '=', id).where('account_id', '=', viewerId).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw notFound()
}

/** POST /api/v1/notifications/clear */
export async function clearNotifications(db: Db, viewerId: string): Promise<void> {
  await db.deleteFrom('notifications').where('account_id', '=', viewerId).execute()
}

export const UNREAD_DEFAULT = 100
export const UNREAD_MAX = 1000

/**
 * GET /api/v1/notifications/unread_count: notifications newer than the read marker, counted up to
 * `limit` so the cost is bounded however many there are.
 */
export async function unreadCount(db: Db, viewerId: string, limit: number): Promise<number> {
  const marker = await db.selectFrom('markers').select('last_read_id').where('account_id', '=', viewerId).where('timeline', '=', 'notifications').executeTakeFirst()
  const { rows } = await sql<{ n: number }>`
    SELECT count(*) AS n FROM (
      SELECT 1 FROM notifications n WHERE n.account_id = ${viewerId} AND n.filtered = 0 AND n.id > ${marker?.last_read_id ?? ''} AND ${fromVisibleAccount(viewerId)} LIMIT ${limit})`.execute(db)
  return Number(rows[0]?.n ?? 0)
}
