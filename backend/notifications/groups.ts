// Grouped notifications (Mastodon 4.3, /api/v2/notifications). The group key is stored on each row
// when it is created (backend/notifications/create.ts), so a page of groups is one or a few keyset
// range reads of the recipient's notifications, grouped as they are read.
import type { Db } from '../db/client'
import type { NotificationType } from '../db/schema'
import { notFound } from '../http/errors'
import { isId } from '../ids'
import { renderAccount, type MastodonAccount } from '../mastodon/account'
import type { NotificationRow } from '../mastodon/notification'
import { loadStatuses, type MastodonStatus } from '../mastodon/status'
import { withFilters } from '../filters/apply'
import { visibleStatusesFor } from '../relationships/thread-visibility'
import { readsAscending, type PageRequest } from '../timelines/page'
import { fromVisibleAccount, listedNotifications, type NotificationFilter } from './read'

/** Types grouped when the client does not say (`grouped_types[]`), as in Mastodon. */
export const DEFAULT_GROUPED_TYPES = ['favourite', 'follow', 'reblog']
/** Accounts shown per group, newest first. */
const SAMPLE_ACCOUNTS = 8
/** A page reads notifications in chunks until it has its groups, and never more than this many chunks. */
const MAX_CHUNKS = 4

export interface GroupedFilter extends NotificationFilter {
  groupedTypes: string[]
}

export interface NotificationGroup {
  group_key: string
  notifications_count: number
  type: NotificationType
  /** An integer in Mastodon's schema: written as a bare number by `groupedJson`. */
  most_recent_notification_id: string
  page_min_id?: string
  page_max_id?: string
  latest_page_notification_at?: string
  sample_account_ids: string[]
  status_id?: string
}

export interface PartialAccount {
  id: string
  acct: string
  url: string
  avatar: string
  avatar_static: string
  locked: boolean
  bot: boolean
}

export interface GroupedResults {
  accounts: MastodonAccount[]
  partial_accounts?: PartialAccount[]
  statuses: MastodonStatus[]
  notification_groups: NotificationGroup[]
}

export interface GroupedPage {
  results: GroupedResults
  /** The newest and oldest notification ids the page covers, for the Link header. */
  newest: string | undefined
  oldest: string | undefined
}

/** The key a row is shown under: its stored key when its type is grouped for this client, else its own. */
export function shownKey(row: Pick<NotificationRow, 'id' | 'type' | 'group_key'>, groupedTypes: readonly string[]): string {
  return groupedTypes.includes(row.type) && !row.group_key.startsWith('ungrouped-') && row.group_key !== '' ? row.group_key : `ungrouped-${row.id}`
}

interface Gathered {
  key: string
  rows: NotificationRow[]
}

/** Groups rows (newest first) by shown key, in the order their newest row comes. */
function gather(rows: NotificationRow[], groupedTypes: readonly string[]): Gathered[] {
  const byKey = new Map<string, Gathered>()
  for (const row of rows) {
    const key = shownKey(row, groupedTypes)
    const g = byKey.get(key)
    if (g) g.rows.push(row)
    else byKey.set(key, { key, rows: [row] })
  }
  return [...byKey.values()]
}

/**
 * Renders groups whose rows are newest first: the statuses they are about (a group whose status the
 * viewer may no longer see, or that a keyword filter hides, is left out), and their sample accounts.
 */
async function renderGroups(db: Db, viewerId: string, groups: Gathered[], origin: string, partial: boolean, withPageRange: boolean): Promise<GroupedResults> {
  const statusIds = [...new Set(groups.flatMap((g) => (g.rows[0]?.status_id ? [g.rows[0].status_id] : [])))]
  const statuses =
    statusIds.length === 0
      ? []
      : await loadStatuses(db, statusIds, origin, viewerId)
          .then((s) => visibleStatusesFor(db, viewerId, s, false))
          .then((s) => withFilters(db, viewerId, 'notifications', s))
  const statusById = new Map(statuses.map((s) => [s.id, s]))
  const shown = groups.filter((g) => {
    const statusId = g.rows[0]?.status_id ?? null
    return statusId === null || statusById.has(statusId)
  })
  const samples = shown.map((g) => [...new Set(g.rows.map((r) => r.from_account_id))].slice(0, SAMPLE_ACCOUNTS))
  const accountIds = [...new Set(samples.flat())]
  const accountRows = accountIds.length === 0 ? [] : await db.selectFrom('accounts').selectAll().where('id', 'in', accountIds).execute()
  const accountById = new Map(accountRows.map((a) => [a.id, renderAccount(a, origin)]))
  // With partial_avatars, only each group's newest account is rendered in full.
  const full = new Set(partial ? samples.flatMap((s) => s.slice(0, 1)) : accountIds)
  const notificationGroups = shown.flatMap((g, i): NotificationGroup[] => {
    const newest = g.rows[0]
    const oldest = g.rows[g.rows.length - 1]
    if (!newest || !oldest) return []
    const sample = (samples[i] ?? []).filter((id) => accountById.has(id))
    if (sample.length === 0) return []
    return [
      {
        group_key: g.key,
        notifications_count: g.rows.length,
        type: newest.type,
        most_recent_notification_id: newest.id,
        ...(withPageRange ? { page_min_id: oldest.id, page_max_id: newest.id, latest_page_notification_at: newest.created_at } : {}),
        sample_account_ids: sample,
        ...(newest.status_id ? { status_id: newest.status_id } : {}),
      },
    ]
  })
  const used = new Set(notificationGroups.flatMap((g) => g.sample_account_ids))
  const accounts = accountIds.filter((id) => used.has(id) && full.has(id)).flatMap((id) => accountById.get(id) ?? [])
  const partialAccounts = partial
    ? accountIds
        .filter((id) => used.has(id) && !full.has(id))
        .flatMap((id) => {
          const a = accountById.get(id)
          return a ? [{ id: a.id, acct: a.acct, url: a.url, avatar: a.avatar, avatar_static: a.avatar_static, locked: a.locked, bot: a.bot }] : []
        })
    : undefined
  const usedStatuses = new Set(notificationGroups.flatMap((g) => (g.status_id ? [g.status_id] : [])))
  return {
    accounts,
    ...(partialAccounts ? { partial_accounts: partialAccounts } : {}),
    statuses: statuses.filter((s) => usedStatuses.has(s.id)),
    notification_groups: notificationGroups,
  }
}

/**
 * GET /api/v2/notifications. Reads the recipient's notifications in keyset order, in chunks of
 * twice the page size (at most MAX_CHUNKS of them), and keeps every row until a row of a group
 * beyond the page's `limit` comes. Counts and sample accounts are those of the page's range
 * (page_min_id … page_max_id), as Mastodon reports them when paginating; a group that continues
 * below the page shows up again on the next one, with the same group_key.
 */
export async function listGroups(db: Db, viewerId: string, filter: GroupedFilter, page: PageRequest, origin: string, partial: boolean): Promise<GroupedPage> {
  const ascending = readsAscending(page)
  const chunk = Math.max(page.limit * 2, 20)
  const kept: NotificationRow[] = []
  const keys = new Set<string>()
  let cursor: PageRequest = page
  let full = false
  for (let i = 0; i < MAX_CHUNKS && !full; i++) {
    const rows = await listedNotifications(db, viewerId, filter, cursor).limit(chunk).execute()
    for (const row of rows) {
      const key = shownKey(row, filter.groupedTypes)
      if (!keys.has(key)) {
        if (keys.size === page.limit) {
          full = true
          break
        }
        keys.add(key)
      }
      kept.push(row)
    }
    const last = rows[rows.length - 1]
    if (rows.length < chunk || last === undefined) break
    cursor = ascending ? { ...page, minId: last.id, sinceId: null } : { ...page, maxId: last.id }
  }
  const newestFirst = ascending ? kept.reverse() : kept
  return {
    results: await renderGroups(db, viewerId, gather(newestFirst, filter.groupedTypes), origin, partial, true),
    newest: newestFirst[0]?.id,
    oldest: newestFirst[newestFirst.length - 1]?.id,
  }
}

/** How many rows a whole group is read from (its newest ones) for GET /api/v2/notifications/:group_key. */
const GROUP_READ = 200

/** The viewer's rows of one group, newest first: by id for `ungrouped-<id>`, else through notifications_group. */
async function groupRows(db: Db, viewerId: string, groupKey: string, limit: number, maxId: string | null = null): Promise<NotificationRow[]> {
  const single = /^ungrouped-(\d+)$/.exec(groupKey)
  if (single) {
    if (maxId !== null || !isId(single[1] ?? '')) return []
    return db
      .selectFrom('notifications as n')
      .selectAll('n')
      .where('n.id', '=', single[1] ?? '')
      .where('n.account_id', '=', viewerId)
      .where('n.filtered', '=', 0)
      .where(fromVisibleAccount(viewerId))
      .execute()
  }
  if (groupKey === '' || groupKey.length > 200) return []
  let q = db
    .selectFrom('notifications as n')
    .selectAll('n')
    .where('n.account_id', '=', viewerId)
    .where('n.group_key', '=', groupKey)
    .where('n.filtered', '=', 0)
    .where(fromVisibleAccount(viewerId))
  if (maxId !== null) q = q.where('n.id', '<', maxId)
  return q.orderBy('n.id', 'desc').limit(limit).execute()
}

/** GET /api/v2/notifications/:group_key: the group as a GroupedNotificationsResults (its newest GROUP_READ rows). */
export async function readGroup(db: Db, viewerId: string, groupKey: string, origin: string): Promise<GroupedResults> {
  const rows = await groupRows(db, viewerId, groupKey, GROUP_READ)
  if (rows.length === 0) throw notFound()
  const results = await renderGroups(db, viewerId, [{ key: groupKey, rows }], origin, false, false)
  if (results.notification_groups.length === 0) throw notFound()
  return results
}

/** GET /api/v2/notifications/:group_key/accounts: the accounts of the group, newest first, paged by notification id. */
export async function groupAccounts(db: Db, viewerId: string, groupKey: string, maxId: string | null, limit: number, origin: string): Promise<{ accounts: Array<MastodonAccount & { cursor: string }> }> {
  const rows = await groupRows(db, viewerId, groupKey, limit, maxId)
  if (rows.length === 0 && maxId === null) throw notFound()
  const ids = [...new Set(rows.map((r) => r.from_account_id))]
  const accountRows = ids.length === 0 ? [] : await db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute()
  const byId = new Map(accountRows.map((a) => [a.id, renderAccount(a, origin)]))
  const seen = new Set<string>()
  const accounts = rows.flatMap((r) => {
    const a = byId.get(r.from_account_id)
    if (!a || seen.has(a.id)) return []
    seen.add(a.id)
    return [{ ...a, cursor: r.id }]
  })
  return { accounts }
}

/**
 * POST /api/v2/notifications/:group_key/dismiss: every listed notification of the group, in one
 * statement. Filtered ones stay with their notification request.
 */
export async function dismissGroup(db: Db, viewerId: string, groupKey: string): Promise<void> {
  const single = /^ungrouped-(\d+)$/.exec(groupKey)
  let q = db.deleteFrom('notifications').where('account_id', '=', viewerId).where('filtered', '=', 0)
  if (single) q = q.where('id', '=', single[1] ?? '')
  else if (groupKey !== '' && groupKey.length <= 200) q = q.where('group_key', '=', groupKey)
  else throw notFound()
  const result = await q.executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw notFound()
}

/**
 * GET /api/v2/notifications/unread_count: the groups among the newest `limit` notifications above
 * the read marker, so the cost is `limit` rows however many are unread.
 */
export async function unreadGroupCount(db: Db, viewerId: string, filter: GroupedFilter, limit: number): Promise<number> {
  const marker = await db.selectFrom('markers').select('last_read_id').where('account_id', '=', viewerId).where('timeline', '=', 'notifications').executeTakeFirst()
  const lastRead = marker?.last_read_id ?? null
  const page: PageRequest = { maxId: null, sinceId: lastRead !== null && isId(lastRead) ? lastRead : null, minId: null, limit }
  const rows = await listedNotifications(db, viewerId, filter, page).limit(limit).execute()
  return new Set(rows.map((r) => shownKey(r, filter.groupedTypes))).size
}

/** A list parameter given as `name[]` or `name`. Unknown types match nothing, as in v1. */
export function typeList(params: URLSearchParams, name: string): string[] {
  return params.getAll(`${name}[]`).concat(params.getAll(name))
}

/** JSON with most_recent_notification_id as the bare integer Mastodon's schema gives it (ids exceed 2^53: no Number). */
export function groupedJson(body: GroupedResults, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body).replace(/"most_recent_notification_id":"(\d+)"/g, '"most_recent_notification_id":$1')
  return new Response(text, { headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })
}
