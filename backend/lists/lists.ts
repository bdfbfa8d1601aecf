import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { ListsTable } from '../db/schema'
import type { Env } from '../env'
import { HttpError, notFound, unprocessable } from '../http/errors'
import { newId } from '../ids'
import { mergeIntoListFeed } from './feed'

type ListRow = Selectable<ListsTable>
const POLICIES = ['followed', 'list', 'none'] as const
type RepliesPolicy = (typeof POLICIES)[number]
/** Mastodon caps each person at 50 lists; so do we, so listing them never grows without bound. */
export const MAX_LISTS = 50
const MAX_TITLE = 100

export function renderList(row: Pick<ListRow, 'id' | 'title' | 'replies_policy' | 'exclusive'>) {
  return { id: row.id, title: row.title, replies_policy: row.replies_policy, exclusive: row.exclusive === 1 }
}

function bool(value: unknown, name: string): boolean {
  if (value === true || value === 'true' || value === '1' || value === 1) return true
  if (value === false || value === 'false' || value === '0' || value === 0) return false
  throw unprocessable(`Validation failed: ${name} must be a boolean`)
}

function readFields(params: Record<string, unknown>, creating: boolean): { title?: string; replies_policy?: RepliesPolicy; exclusive?: number } {
  const out: { title?: string; replies_policy?: RepliesPolicy; exclusive?: number } = {}
  if (params.title !== undefined || creating) {
    const title = typeof params.title === 'string' ? params.title.trim() : ''
    if (title === '') throw unprocessable("Validation failed: Title can't be blank")
    if (title.length > MAX_TITLE) throw unprocessable(`Validation failed: Title is too long (maximum is ${MAX_TITLE} characters)`)
    out.title = title
  }
  if (params.replies_policy !== undefined && params.replies_policy !== '') {
    if (!POLICIES.includes(params.replies_policy as RepliesPolicy)) throw unprocessable('Validation failed: Replies policy is not included in the list')
    out.replies_policy = params.replies_policy as RepliesPolicy
  }
  if (params.exclusive !== undefined && params.exclusive !== '') out.exclusive = bool(params.exclusive, 'exclusive') ? 1 : 0
  return out
}

export async function ownList(db: Db, accountId: string, id: string): Promise<ListRow> {
  const row = await db.selectFrom('lists').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()
  if (row === undefined) throw notFound()
  return row
}

export async function myLists(db: Db, accountId: string) {
  const rows = await db.selectFrom('lists').selectAll().where('account_id', '=', accountId).orderBy('id').limit(MAX_LISTS).execute()
  return rows.map(renderList)
}

export async function createList(env: Pick<Env, 'DB'>, db: Db, accountId: string, params: Record<string, unknown>) {
  const fields = readFields(params, true)
  const id = newId()
  // The cap is checked inside the insert, so two requests at once cannot pass it together.
  const result = await env.DB.prepare(
    `INSERT INTO lists (id, account_id, title, replies_policy, exclusive)
     SELECT ?1, ?2, ?3, ?4, ?5 WHERE (SELECT count(*) FROM lists WHERE account_id = ?2) < ${MAX_LISTS}`,
  )
    .bind(id, accountId, fields.title, fields.replies_policy ?? 'list', fields.exclusive ?? 0)
    .run()
  if (result.meta.changes === 0) throw unprocessable(`Validation failed: You cannot have more than ${MAX_LISTS} lists`)
  return renderList(await ownList(db, accountId, id))
}

export async function updateList(db: Db, accountId: string, id: string, params: Record<string, unknown>) {
  await ownList(db, accountId, id)
  const fields = readFields(params, false)
  if (Object.keys(fields).length > 0) await db.updateTable('lists').set(fields).where('id', '=', id).execute()
  return renderList(await ownList(db, accountId, id))
}

export async function deleteList(db: Db, accountId: string, id: string): Promise<void> {
  await ownList(db, accountId, id)
  await db.deleteFrom('lists').where('id', '=', id).execute()
}

function ids(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]
  if (list.length === 0) throw unprocessable('Validation failed: account_ids must be given')
  if (list.length > 200 || !list.every((v) => typeof v === 'string' && /^\d{1,20}$/.test(v))) throw unprocessable('Validation failed: account_ids are invalid')
  return [...new Set(list as string[])]
}

/**
 * Only accounts the owner follows can join a list (Mastodon's rule, and what makes a list's
 * private posts visible to its owner). All or nothing: one account not followed refuses the lot.
 */
export async function addListAccounts(env: Pick<Env, 'DB'>, db: Db, accountId: string, listId: string, params: Record<string, unknown>): Promise<void> {
  await ownList(db, accountId, listId)
  const wanted = ids(params.account_ids)
  const followed = await db
    .selectFrom('follows')
    .select('target_account_id')
    .where('account_id', '=', accountId)
    .where('state', '=', 'accepted')
    .where('target_account_id', 'in', wanted)
    .execute()
  if (followed.length !== wanted.length) throw new HttpError(422, 'Validation failed: You must follow an account to add it to a list')
  await env.DB.batch(wanted.map((id) => env.DB.prepare('INSERT OR IGNORE INTO list_accounts (list_id, account_id) VALUES (?, ?)').bind(listId, id)))
  for (const id of wanted) await mergeIntoListFeed(db, listId, id)
}

export async function removeListAccounts(env: Pick<Env, 'DB'>, db: Db, accountId: string, listId: string, params: Record<string, unknown>): Promise<void> {
  await ownList(db, accountId, listId)
  const wanted = ids(params.account_ids)
  await env.DB.batch(wanted.map((id) => env.DB.prepare('DELETE FROM list_accounts WHERE list_id = ? AND account_id = ?').bind(listId, id)))
}

/** GET /api/v1/lists/:id/accounts, paged by account id; limit 0 means all of them. */
export async function listMembers(db: Db, accountId: string, listId: string, limit: number, maxId: string | null, sinceId: string | null) {
  await ownList(db, accountId, listId)
  let q = db.selectFrom('list_accounts as la').innerJoin('accounts as a', 'a.id', 'la.account_id').selectAll('a').where('la.list_id', '=', listId)
  if (maxId !== null) q = q.where('a.id', '<', maxId)
  if (sinceId !== null) q = q.where('a.id', '>', sinceId)
  q = q.orderBy('a.id', 'desc')
  return limit === 0 ? q.limit(5000).execute() : q.limit(limit).execute()
}

/** GET /api/v1/accounts/:id/lists: the owner's lists that hold that account. */
export async function listsContaining(db: Db, accountId: string, memberId: string) {
  const rows = await db
    .selectFrom('list_accounts as la')
    .innerJoin('lists as l', 'l.id', 'la.list_id')
    .select(['l.id', 'l.title', 'l.replies_policy', 'l.exclusive'])
    .where('la.account_id', '=', memberId)
    .where('l.account_id', '=', accountId)
    .orderBy('l.id')
    .execute()
  return rows.map(renderList)
}
