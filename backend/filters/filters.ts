import type { Db } from '../db/client'
import type { Selectable } from 'kysely'
import type { FilterContext, FiltersTable } from '../db/schema'
import type { Env } from '../env'
import { notFound, unprocessable } from '../http/errors'
import { isId, newId } from '../ids'

export const CONTEXTS: readonly FilterContext[] = ['home', 'notifications', 'public', 'thread', 'account']
const ACTIONS = ['warn', 'hide', 'blur'] as const
type FilterAction = (typeof ACTIONS)[number]
/** Limits that keep loading a person's filters, on every timeline read, small. */
export const MAX_FILTERS = 100
export const MAX_KEYWORDS_PER_FILTER = 100
const MAX_TEXT = 200

export interface FilterKeyword {
  id: string
  keyword: string
  whole_word: boolean
}
export interface FilterStatus {
  id: string
  status_id: string
}
export interface Filter {
  id: string
  title: string
  context: FilterContext[]
  filter_action: FilterAction
  expires_at: string | null
  keywords: FilterKeyword[]
  statuses: FilterStatus[]
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback
  if (value === true || value === 'true' || value === '1' || value === 1) return true
  if (value === false || value === 'false' || value === '0' || value === 0) return false
  throw unprocessable('Validation failed: a boolean was expected')
}

function text(value: unknown, name: string): string {
  const t = typeof value === 'string' ? value.trim() : ''
  if (t === '') throw unprocessable(`Validation failed: ${name} can't be blank`)
  if (t.length > MAX_TEXT) throw unprocessable(`Validation failed: ${name} is too long`)
  return t
}

function contexts(value: unknown): FilterContext[] {
  const list = Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]
  if (list.length === 0 || !list.every((c) => CONTEXTS.includes(c as FilterContext))) throw unprocessable('Validation failed: Context must be one or more of home, notifications, public, thread, account')
  return [...new Set(list as FilterContext[])]
}

function expiry(value: unknown): string | null | undefined {
  if (value === undefined) return undefined
  if (value === null || value === '') return null
  const seconds = Number(value)
  if (!Number.isInteger(seconds) || seconds <= 0) throw unprocessable('Validation failed: expires_in must be a positive number of seconds')
  return new Date(Date.now() + seconds * 1000).toISOString()
}

function action(value: unknown): FilterAction | undefined {
  if (value === undefined || value === '') return undefined
  if (!ACTIONS.includes(value as FilterAction)) throw unprocessable('Validation failed: Filter action is not included in the list')
  return value as FilterAction
}

interface KeywordInput {
  id?: string
  keyword?: string
  whole_word?: boolean
  destroy: boolean
}

/** `keywords_attributes` as a list or as Rails' index-keyed object. */
function keywordInputs(value: unknown): KeywordInput[] {
  if (value === undefined || value === null || value === '') return []
  const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value as Record<string, unknown>) : null
  if (list === null || list.length > MAX_KEYWORDS_PER_FILTER) throw unprocessable('Validation failed: keywords_attributes is invalid')
  return list.map((entry) => {
    if (typeof entry !== 'object' || entry === null) throw unprocessable('Validation failed: keywords_attributes is invalid')
    const e = entry as Record<string, unknown>
    const destroy = bool(e._destroy, false)
    const id = e.id === undefined || e.id === '' ? undefined : String(e.id)
    if (id !== undefined && !isId(id)) throw unprocessable('Validation failed: keyword id is invalid')
    return {
      id,
      destroy,
      keyword: e.keyword === undefined && id !== undefined ? undefined : destroy ? undefined : text(e.keyword, 'Keyword'),
      whole_word: e.whole_word === undefined ? undefined : bool(e.whole_word, true),
    }
  })
}

/** Every filter of a person, with keywords and statuses: three queries, however many filters. */
export async function loadFilters(db: Db, accountId: string, onlyId?: string): Promise<Filter[]> {
  let q = db.selectFrom('filters').selectAll().where('account_id', '=', accountId)
  if (onlyId !== undefined) q = q.where('id', '=', onlyId)
  return withKeywordsAndStatuses(db, await q.orderBy('id').limit(MAX_FILTERS).execute())
}

/**
 * The filters of several accounts at once (the streaming publisher renders the `user` stream for
 * each local reader of a post): a query for the filters, and one each for their keywords and statuses.
 */
export async function loadFiltersOf(db: Db, accountIds: string[]): Promise<Map<string, Filter[]>> {
  const out = new Map<string, Filter[]>()
  const rows: Array<Selectable<FiltersTable>> = []
  for (let i = 0; i < accountIds.length; i += 90) {
    rows.push(...(await db.selectFrom('filters').selectAll().where('account_id', 'in', accountIds.slice(i, i + 90)).orderBy('id').execute()))
  }
  const owner = new Map(rows.map((r) => [r.id, r.account_id]))
  for (const f of await withKeywordsAndStatuses(db, rows)) {
    const account = owner.get(f.id) as string
    out.set(account, [...(out.get(account) ?? []), f])
  }
  return out
}

async function withKeywordsAndStatuses(db: Db, rows: Array<Selectable<FiltersTable>>): Promise<Filter[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const chunks: string[][] = []
  for (let i = 0; i < ids.length; i += 90) chunks.push(ids.slice(i, i + 90))
  const [keywords, statuses] = await Promise.all([
    Promise.all(chunks.map((c) => db.selectFrom('filter_keywords').selectAll().where('filter_id', 'in', c).orderBy('id').execute())).then((r) => r.flat()),
    Promise.all(chunks.map((c) => db.selectFrom('filter_statuses').selectAll().where('filter_id', 'in', c).orderBy('id').execute())).then((r) => r.flat()),
  ])
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    context: JSON.parse(r.context) as FilterContext[],
    filter_action: r.filter_action,
    expires_at: r.expires_at,
    keywords: keywords.filter((k) => k.filter_id === r.id).map((k) => ({ id: k.id, keyword: k.keyword, whole_word: k.whole_word === 1 })),
    statuses: statuses.filter((s) => s.filter_id === r.id).map((s) => ({ id: s.id, status_id: s.status_id })),
  }))
}

export async function oneFilter(db: Db, accountId: string, id: string): Promise<Filter> {
  const [filter] = isId(id) ? await loadFilters(db, accountId, id) : []
  if (filter === undefined) throw notFound()
  return filter
}

/** POST /api/v2/filters: the filter and its keywords in one transaction. */
export async function createFilter(env: Pick<Env, 'DB'>, db: Db, accountId: string, params: Record<string, unknown>): Promise<Filter> {
  const title = text(params.title, 'Title')
  const context = contexts(params.context)
  const keywords = keywordInputs(params.keywords_attributes).filter((k) => !k.destroy)
  const id = newId()
  const statements = [
    env.DB.prepare(
      `INSERT INTO filters (id, account_id, title, context, filter_action, expires_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE (SELECT count(*) FROM filters WHERE account_id = ?2) < ${MAX_FILTERS}`,
    ).bind(id, accountId, title, JSON.stringify(context), action(params.filter_action) ?? 'warn', expiry(params.expires_in) ?? null),
    ...keywords.map((k) =>
      env.DB.prepare('INSERT INTO filter_keywords (id, filter_id, keyword, whole_word) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM filters WHERE id = ?)').bind(newId(), id, k.keyword as string, k.whole_word === false ? 0 : 1, id),
    ),
  ]
  const [insert] = await env.DB.batch(statements)
  if (insert?.meta.changes === 0) throw unprocessable(`Validation failed: You cannot have more than ${MAX_FILTERS} filters`)
  return oneFilter(db, accountId, id)
}

/** PUT /api/v2/filters/:id: fields, and keywords added, changed or destroyed, together. */
export async function updateFilter(env: Pick<Env, 'DB'>, db: Db, accountId: string, id: string, params: Record<string, unknown>): Promise<Filter> {
  const current = await oneFilter(db, accountId, id)
  const title = params.title === undefined ? current.title : text(params.title, 'Title')
  const context = params.context === undefined ? current.context : contexts(params.context)
  const filterAction = action(params.filter_action) ?? current.filter_action
  const expiresAt = expiry(params.expires_in)
  const keywords = keywordInputs(params.keywords_attributes)
  const own = new Set(current.keywords.map((k) => k.id))
  for (const k of keywords) if (k.id !== undefined && !own.has(k.id)) throw notFound('Keyword not found')
  if (current.keywords.length + keywords.filter((k) => k.id === undefined).length > MAX_KEYWORDS_PER_FILTER) throw unprocessable('Validation failed: too many keywords')
  const statements = [
    env.DB.prepare('UPDATE filters SET title = ?, context = ?, filter_action = ?, expires_at = ? WHERE id = ?').bind(
      title,
      JSON.stringify(context),
      filterAction,
      expiresAt === undefined ? current.expires_at : expiresAt,
      id,
    ),
    ...keywords.map((k) => {
      if (k.id === undefined) return env.DB.prepare('INSERT INTO filter_keywords (id, filter_id, keyword, whole_word) VALUES (?, ?, ?, ?)').bind(newId(), id, k.keyword as string, k.whole_word === false ? 0 : 1)
      if (k.destroy) return env.DB.prepare('DELETE FROM filter_keywords WHERE id = ? AND filter_id = ?').bind(k.id, id)
      return env.DB.prepare('UPDATE filter_keywords SET keyword = coalesce(?, keyword), whole_word = coalesce(?, whole_word) WHERE id = ? AND filter_id = ?').bind(
        k.keyword ?? null,
        k.whole_word === undefined ? null : k.whole_word ? 1 : 0,
        k.id,
        id,
      )
    }),
  ]
  await env.DB.batch(statements)
  return oneFilter(db, accountId, id)
}

export async function deleteFilter(db: Db, accountId: string, id: string): Promise<void> {
  await oneFilter(db, accountId, id)
  await db.deleteFrom('filters').where('id', '=', id).execute()
}

/** A keyword and the filter it belongs to, if the person owns it. */
export async function ownKeyword(db: Db, accountId: string, keywordId: string) {
  if (!isId(keywordId)) throw notFound()
  const row = await db
    .selectFrom('filter_keywords as k')
    .innerJoin('filters as f', 'f.id', 'k.filter_id')
    .select(['k.id', 'k.keyword', 'k.whole_word', 'k.filter_id'])
    .where('k.id', '=', keywordId)
    .where('f.account_id', '=', accountId)
    .executeTakeFirst()
  if (row === undefined) throw notFound()
  return row
}

export function renderKeyword(row: { id: string; keyword: string; whole_word: number }): FilterKeyword {
  return { id: row.id, keyword: row.keyword, whole_word: row.whole_word === 1 }
}

export async function addKeyword(db: Db, accountId: string, filterId: string, params: Record<string, unknown>): Promise<FilterKeyword> {
  const filter = await oneFilter(db, accountId, filterId)
  if (filter.keywords.length >= MAX_KEYWORDS_PER_FILTER) throw unprocessable('Validation failed: too many keywords')
  const row = { id: newId(), filter_id: filterId, keyword: text(params.keyword, 'Keyword'), whole_word: bool(params.whole_word, true) ? 1 : 0 }
  await db.insertInto('filter_keywords').values(row).execute()
  return renderKeyword(row)
}

export async function updateKeyword(db: Db, accountId: string, keywordId: string, params: Record<string, unknown>): Promise<FilterKeyword> {
  const current = await ownKeyword(db, accountId, keywordId)
  const keyword = params.keyword === undefined ? current.keyword : text(params.keyword, 'Keyword')
  const whole = params.whole_word === undefined ? current.whole_word : bool(params.whole_word, true) ? 1 : 0
  await db.updateTable('filter_keywords').set({ keyword, whole_word: whole }).where('id', '=', keywordId).execute()
  return renderKeyword({ id: keywordId, keyword, whole_word: whole })
}

export async function deleteKeyword(db: Db, accountId: string, keywordId: string): Promise<void> {
  await ownKeyword(db, accountId, keywordId)
  await db.deleteFrom('filter_keywords').where('id', '=', keywordId).execute()
}

export async function ownFilterStatus(db: Db, accountId: string, id: string): Promise<FilterStatus> {
  if (!isId(id)) throw notFound()
  const row = await db
    .selectFrom('filter_statuses as s')
    .innerJoin('filters as f', 'f.id', 's.filter_id')
    .select(['s.id', 's.status_id'])
    .where('s.id', '=', id)
    .where('f.account_id', '=', accountId)
    .executeTakeFirst()
  if (row === undefined) throw notFound()
  return row
}

export async function addFilterStatus(db: Db, accountId: string, filterId: string, params: Record<string, unknown>): Promise<FilterStatus> {
  await oneFilter(db, accountId, filterId)
  const statusId = typeof params.status_id === 'string' ? params.status_id : ''
  if (!isId(statusId)) throw unprocessable('Validation failed: Status is invalid')
  const status = await db.selectFrom('statuses').select('id').where('id', '=', statusId).executeTakeFirst()
  if (status === undefined) throw notFound()
  const existing = await db.selectFrom('filter_statuses').select(['id', 'status_id']).where('filter_id', '=', filterId).where('status_id', '=', statusId).executeTakeFirst()
  if (existing !== undefined) throw unprocessable('Validation failed: Status has already been taken')
  const row = { id: newId(), filter_id: filterId, status_id: statusId }
  await db.insertInto('filter_statuses').values(row).execute()
  return { id: row.id, status_id: statusId }
}

export async function deleteFilterStatus(db: Db, accountId: string, id: string): Promise<void> {
  await ownFilterStatus(db, accountId, id)
  await db.deleteFrom('filter_statuses').where('id', '=', id).execute()
}

/** The v1 shape: one entry per keyword, as Mastodon 3.x clients read filters. */
export function v1Filters(filters: Filter[]) {
  return filters.flatMap((f) =>
    f.keywords.map((k) => ({ id: k.id, phrase: k.keyword, context: f.context, whole_word: k.whole_word, expires_at: f.expires_at, irreversible: f.filter_action === 'hide' })),
  )
}

/** POST /api/v1/filters: a v2 filter holding one keyword, titled by the phrase. */
export async function createV1Filter(env: Pick<Env, 'DB'>, db: Db, accountId: string, params: Record<string, unknown>) {
  const phrase = text(params.phrase, 'Phrase')
  const filter = await createFilter(env, db, accountId, {
    title: phrase,
    context: params.context,
    filter_action: bool(params.irreversible, false) ? 'hide' : 'warn',
    expires_in: params.expires_in,
    keywords_attributes: [{ keyword: phrase, whole_word: params.whole_word ?? true }],
  })
  return v1Filters([filter])[0]
}

/** PUT /api/v1/filters/:id (a keyword id): changes the keyword and its filter together. */
export async function updateV1Filter(env: Pick<Env, 'DB'>, db: Db, accountId: string, keywordId: string, params: Record<string, unknown>) {
  const kw = await ownKeyword(db, accountId, keywordId)
  const filter = await updateFilter(env, db, accountId, kw.filter_id, {
    title: params.phrase,
    context: params.context,
    filter_action: params.irreversible === undefined ? undefined : bool(params.irreversible, false) ? 'hide' : 'warn',
    expires_in: params.expires_in,
    keywords_attributes: [{ id: keywordId, keyword: params.phrase, whole_word: params.whole_word }],
  })
  return v1Filters([filter]).find((f) => f.id === keywordId)
}

/** DELETE /api/v1/filters/:id: the keyword goes, and its filter too when nothing else is left in it. */
export async function deleteV1Filter(env: Pick<Env, 'DB'>, db: Db, accountId: string, keywordId: string): Promise<void> {
  const kw = await ownKeyword(db, accountId, keywordId)
  await env.DB.batch([
    env.DB.prepare('DELETE FROM filter_keywords WHERE id = ?').bind(keywordId),
    env.DB.prepare(
      'DELETE FROM filters WHERE id = ? AND NOT EXISTS (SELECT 1 FROM filter_keywords WHERE filter_id = ?) AND NOT EXISTS (SELECT 1 FROM filter_statuses WHERE filter_id = ?)',
    ).bind(kw.filter_id, kw.filter_id, kw.filter_id),
  ])
}
