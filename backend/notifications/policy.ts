// Notification policies (what happens to notifications from strangers) and the requests that hold
// the filtered ones, one per sender. The policy itself is applied where notifications are stored
// (backend/notifications/create.ts); this module reads and changes it, and accepts or dismisses requests.
import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { NotificationPoliciesTable, PolicyAction } from '../db/schema'
import { notFound, unprocessable } from '../http/errors'
import { isId } from '../ids'
import { renderAccount, type MastodonAccount } from '../mastodon/account'
import { loadStatuses, type MastodonStatus } from '../mastodon/status'
import { visibleStatusesFor } from '../relationships/thread-visibility'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'

export const POLICY_FIELDS = ['for_not_following', 'for_not_followers', 'for_new_accounts', 'for_private_mentions', 'for_limited_accounts'] as const
type PolicyField = (typeof POLICY_FIELDS)[number]
type Policy = Record<PolicyField, PolicyAction>

/** Mastodon 4.3's defaults, used while the account has no row. Keep in step with migrations/0018. */
const DEFAULTS: Policy = {
  for_not_following: 'accept',
  for_not_followers: 'accept',
  for_new_accounts: 'accept',
  for_private_mentions: 'filter',
  for_limited_accounts: 'filter',
}

/** `pending_requests_count` is capped, as Mastodon caps it; the notifications are summed over those requests. */
const SUMMARY_CAP = 100

async function readPolicy(db: Db, accountId: string): Promise<Policy> {
  const row: Selectable<NotificationPoliciesTable> | undefined = await db.selectFrom('notification_policies').selectAll().where('account_id', '=', accountId).executeTakeFirst()
  if (row === undefined) return { ...DEFAULTS }
  return {
    for_not_following: row.for_not_following,
    for_not_followers: row.for_not_followers,
    for_new_accounts: row.for_new_accounts,
    for_private_mentions: row.for_private_mentions,
    for_limited_accounts: row.for_limited_accounts,
  }
}

async function summary(db: Db, accountId: string): Promise<{ pending_requests_count: number; pending_notifications_count: number }> {
  const rows = await db.selectFrom('notification_requests').select('notifications_count').where('account_id', '=', accountId).orderBy('id', 'desc').limit(SUMMARY_CAP).execute()
  return { pending_requests_count: rows.length, pending_notifications_count: rows.reduce((n, r) => n + r.notifications_count, 0) }
}

/** GET /api/v2/notifications/policy */
export async function policyV2(db: Db, accountId: string) {
  const [policy, sum] = await Promise.all([readPolicy(db, accountId), summary(db, accountId)])
  return { ...policy, summary: sum }
}

/** GET /api/v1/notifications/policy: the same data as booleans (anything but accept filters). */
export async function policyV1(db: Db, accountId: string) {
  const [policy, sum] = await Promise.all([readPolicy(db, accountId), summary(db, accountId)])
  return {
    filter_not_following: policy.for_not_following !== 'accept',
    filter_not_followers: policy.for_not_followers !== 'accept',
    filter_new_accounts: policy.for_new_accounts !== 'accept',
    filter_private_mentions: policy.for_private_mentions !== 'accept',
    summary: sum,
  }
}

function truthy(value: unknown, name: string): boolean {
  if (value === true || value === 'true' || value === '1' || value === 1 || value === 'on') return true
  if (value === false || value === 'false' || value === '0' || value === 0 || value === 'off') return false
  throw unprocessable(`Validation failed: ${name} must be true or false`)
}

/** Validates everything first, then writes the whole row in one statement. */
async function writePolicy(db: Db, accountId: string, changes: Partial<Policy>): Promise<void> {
  const policy = { ...(await readPolicy(db, accountId)), ...changes }
  await db
    .insertInto('notification_policies')
    .values({ account_id: accountId, ...policy })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...policy, updated_at: new Date().toISOString() }))
    .execute()
}

/** PATCH /api/v2/notifications/policy: any of the five fields, each accept | filter | drop. */
export async function updatePolicyV2(db: Db, accountId: string, params: Record<string, unknown>) {
  const changes: Partial<Policy> = {}
  for (const field of POLICY_FIELDS) {
    const value = params[field]
    if (value === undefined) continue
    if (value !== 'accept' && value !== 'filter' && value !== 'drop') throw unprocessable(`Validation failed: ${field} must be one of accept, filter, drop`)
    changes[field] = value
  }
  await writePolicy(db, accountId, changes)
  return policyV2(db, accountId)
}

/** PATCH /api/v1/notifications/policy: booleans; true filters, false accepts. */
export async function updatePolicyV1(db: Db, accountId: string, params: Record<string, unknown>) {
  const changes: Partial<Policy> = {}
  const fields: Array<[string, PolicyField]> = [
    ['filter_not_following', 'for_not_following'],
    ['filter_not_followers', 'for_not_followers'],
    ['filter_new_accounts', 'for_new_accounts'],
    ['filter_private_mentions', 'for_private_mentions'],
  ]
  for (const [name, field] of fields) if (params[name] !== undefined) changes[field] = truthy(params[name], name) ? 'filter' : 'accept'
  await writePolicy(db, accountId, changes)
  return policyV1(db, accountId)
}

export interface MastodonNotificationRequest {
  id: string
  created_at: string
  updated_at: string
  account: MastodonAccount
  notifications_count: string
  last_status?: MastodonStatus
}

interface RequestRow {
  id: string
  from_account_id: string
  last_status_id: string | null
  notifications_count: number
  created_at: string
  updated_at: string
}

async function renderRequests(db: Db, viewerId: string, rows: RequestRow[], origin: string): Promise<MastodonNotificationRequest[]> {
  if (rows.length === 0) return []
  const statusIds = rows.flatMap((r) => (r.last_status_id ? [r.last_status_id] : []))
  const [accounts, statuses] = await Promise.all([
    db
      .selectFrom('accounts')
      .selectAll()
      .where(
        'id',
        'in',
        rows.map((r) => r.from_account_id),
      )
      .execute(),
    statusIds.length === 0 ? Promise.resolve([]) : loadStatuses(db, statusIds, origin, viewerId).then((s) => visibleStatusesFor(db, viewerId, s, false)),
  ])
  const accountById = new Map(accounts.map((a) => [a.id, renderAccount(a, origin)]))
  const statusById = new Map(statuses.map((s) => [s.id, s]))
  return rows.flatMap((r) => {
    const account = accountById.get(r.from_account_id)
    if (!account) return []
    const status = r.last_status_id ? statusById.get(r.last_status_id) : undefined
    return [{ id: r.id, created_at: r.created_at, updated_at: r.updated_at, account, notifications_count: String(r.notifications_count), ...(status ? { last_status: status } : {}) }]
  })
}

const REQUEST_COLUMNS = ['id', 'from_account_id', 'last_status_id', 'notifications_count', 'created_at', 'updated_at'] as const

/** GET /api/v1/notifications/requests: newest first, a keyset range of notification_requests_account. */
export async function listRequests(db: Db, viewerId: string, page: PageRequest, origin: string): Promise<{ requests: MastodonNotificationRequest[]; newest?: string; oldest?: string }> {
  const { where, order } = keyset('id', page)
  const rows = newestFirst(page, await db.selectFrom('notification_requests').select(REQUEST_COLUMNS).where('account_id', '=', viewerId).where(where).orderBy('id', order).limit(page.limit).execute())
  return { requests: await renderRequests(db, viewerId, rows, origin), newest: rows[0]?.id, oldest: rows[rows.length - 1]?.id }
}

/** GET /api/v1/notifications/requests/:id */
export async function readRequest(db: Db, viewerId: string, id: string, origin: string): Promise<MastodonNotificationRequest> {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('notification_requests').select(REQUEST_COLUMNS).where('id', '=', id).where('account_id', '=', viewerId).executeTakeFirst()
  const [rendered] = row ? await renderRequests(db, viewerId, [row], origin) : []
  if (!rendered) throw notFound()
  return rendered
}

/** The viewer's requests among `ids` (a JSON array), as SQL for the statements below. */
const SENDERS = `SELECT from_account_id FROM notification_requests WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?2))`

/**
 * Accepts requests: their notifications join the list, their senders pass the policy from now on,
 * and the requests go. One batch, so it happens entirely or not at all.
 */
async function accept(d1: D1Database, viewerId: string, ids: string[]): Promise<number> {
  const json = JSON.stringify(ids)
  const results = await d1.batch([
    d1.prepare(`UPDATE notifications SET filtered = 0 WHERE account_id = ?1 AND filtered = 1 AND from_account_id IN (${SENDERS})`).bind(viewerId, json),
    d1.prepare(`INSERT OR IGNORE INTO notification_permissions (account_id, from_account_id) ${SENDERS.replace('SELECT from_account_id', 'SELECT ?1, from_account_id')}`).bind(viewerId, json),
    d1.prepare('DELETE FROM notification_requests WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?2))').bind(viewerId, json),
  ])
  return results[2]?.meta.changes ?? 0
}

/** Dismisses requests: their filtered notifications are deleted with them. */
async function dismiss(d1: D1Database, viewerId: string, ids: string[]): Promise<number> {
  const json = JSON.stringify(ids)
  const results = await d1.batch([
    d1.prepare(`DELETE FROM notifications WHERE account_id = ?1 AND filtered = 1 AND from_account_id IN (${SENDERS})`).bind(viewerId, json),
    d1.prepare('DELETE FROM notification_requests WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?2))').bind(viewerId, json),
  ])
  return results[1]?.meta.changes ?? 0
}

/** POST /api/v1/notifications/requests/:id/accept|dismiss */
export async function actOnRequest(d1: D1Database, viewerId: string, id: string, action: 'accept' | 'dismiss'): Promise<void> {
  if (!isId(id)) throw notFound()
  const changed = action === 'accept' ? await accept(d1, viewerId, [id]) : await dismiss(d1, viewerId, [id])
  if (changed === 0) throw notFound()
}

/** Bulk form: `id[]`, at most this many; unknown ids are skipped, as Mastodon does. */
const BULK_MAX = 100

/** POST /api/v1/notifications/requests/accept|dismiss with id[] */
export async function actOnRequests(d1: D1Database, viewerId: string, params: Record<string, unknown>, action: 'accept' | 'dismiss'): Promise<void> {
  const raw = params.id
  const ids = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  if (ids.length === 0) throw unprocessable('Validation failed: id is missing')
  if (ids.length > BULK_MAX) throw unprocessable(`Validation failed: at most ${BULK_MAX} ids at once`)
  const valid = ids.filter((v): v is string => typeof v === 'string' && isId(v))
  if (valid.length === 0) return
  if (action === 'accept') await accept(d1, viewerId, valid)
  else await dismiss(d1, viewerId, valid)
}
