import { sql, type RawBuilder } from 'kysely'
import type { Env } from '../env'
import type { Db } from '../db/client'
import { HttpError, badRequest } from '../http/errors'
import { flag } from '../http/paged'
import { isId } from '../ids'
import { renderAccount, type AccountRow, type MastodonAccount } from '../mastodon/account'
import { renderStatusRows, visibleToPublic, type MastodonStatus, type StatusRow } from '../mastodon/status'
import { renderTags, tagsByPrefix, type MastodonTag } from '../tags/tags'
import { resolveRemote } from '../federation/resolve'
import { catchUpSearchIndex } from './index'

export type SearchType = 'accounts' | 'statuses' | 'hashtags'
const TYPES: readonly SearchType[] = ['accounts', 'statuses', 'hashtags']
const DEFAULT_LIMIT = 20
const MAX_LIMIT = 40
/** Deep offsets make FTS5 walk and drop every earlier match; Mastodon's own search stops long before. */
const MAX_OFFSET = 10_000
/** Words of a query that reach FTS5; the rest are dropped. */
const MAX_TERMS = 8

export interface SearchQuery {
  q: string
  type: SearchType | null
  resolve: boolean
  following: boolean
  accountId: string | null
  maxId: string | null
  minId: string | null
  limit: number
  offset: number
}

function whole(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a whole number`)
  return Math.min(Number(raw), max)
}

function optionalId(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)
  if (value === null || value === '') return null
  if (!isId(value)) throw badRequest(`${name} must be an id`)
  return value
}

/** GET /api/v2/search and /api/v1/accounts/search parameters, checked. `exclude_unreviewed` has nothing to exclude: Herd does not review tags. */
export function parseSearch(params: URLSearchParams, fixedType: SearchType | null = null): SearchQuery {
  const q = params.get('q')
  if (q === null) throw badRequest('q is required')
  const rawType = fixedType ?? params.get('type')
  if (rawType !== null && rawType !== '' && !TYPES.includes(rawType as SearchType)) throw badRequest('type must be accounts, statuses or hashtags')
  const type = rawType === null || rawType === '' ? null : (rawType as SearchType)
  return {
    q: q.trim(),
    type,
    resolve: flag(params, 'resolve'),
    following: flag(params, 'following'),
    accountId: optionalId(params, 'account_id'),
    maxId: optionalId(params, 'max_id'),
    minId: optionalId(params, 'min_id'),
    limit: Math.max(whole(params, 'limit', DEFAULT_LIMIT, MAX_LIMIT), 1),
    // Mastodon applies offset only when one type is asked for.
    offset: type === null ? 0 : whole(params, 'offset', 0, MAX_OFFSET),
  }
}

/**
 * The words of a query as an FTS5 expression: each word quoted (so nothing in the query is FTS5
 * syntax), all required; with `prefix`, the last word also matches longer words. Null when the
 * query has no words.
 */
export function ftsQuery(text: string, prefix: boolean): string | null {
  const words = (text.normalize('NFKC').match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS)
  if (words.length === 0) return null
  return words.map((w, i) => `"${w}"${prefix && i === words.length - 1 ? '*' : ''}`).join(' ')
}

interface Viewer {
  accountId: string
}

/** `user`, `@user`, `user@domain` or `@user@domain`; our own domain means local (''). */
function splitAcct(q: string, host: string): { username: string; domain: string | null } {
  const [username = '', domain] = q.replace(/^@/, '').split('@')
  if (domain === undefined || domain === '') return { username, domain: null }
  return { username, domain: domain.toLowerCase() === host.toLowerCase() ? '' : domain.toLowerCase() }
}

const notBlocked = (viewer: string) => sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ${viewer} AND b.target_account_id = a.id) OR (b.account_id = a.id AND b.target_account_id = ${viewer}))`

/**
 * Accounts: an exact `user@domain` match first, then prefix matches on username and display name
 * from the FTS5 index, best first (bm25), optionally only those the viewer follows.
 */
export async function searchAccountRows(db: Db, q: string, viewer: Viewer | null, opts: { following: boolean; limit: number; offset: number }, host: string): Promise<AccountRow[]> {
  const { username, domain } = splitAcct(q, host)
  const following = (id: string) =>
    sql<boolean>`EXISTS (SELECT 1 FROM follows fo WHERE fo.account_id = ${id} AND fo.target_account_id = a.id AND fo.state = 'accepted')`
  const filters = (): RawBuilder<boolean>[] => [
    ...(domain !== null && domain !== '' ? [sql<boolean>`a.domain LIKE ${`${domain.replace(/[\\%_]/g, '\\$&')}%`} ESCAPE '\\'`] : []),
    ...(domain === '' ? [sql<boolean>`a.domain = ''`] : []),
    ...(viewer && opts.following ? [following(viewer.accountId)] : []),
    ...(viewer ? [notBlocked(viewer.accountId)] : []),
  ]
  const exact =
    opts.offset === 0 && username !== ''
      ? (
          await sql<AccountRow>`SELECT a.* FROM accounts a WHERE a.username = ${username} COLLATE NOCASE AND a.domain = ${domain ?? ''}${sql.join(
            filters().map((f) => sql` AND ${f}`),
            sql``,
          )}`.execute(db)
        ).rows
      : []
  const match = ftsQuery(domain === null ? q : username, true)
  if (match === null) return exact.slice(0, opts.limit)
  const found = (
    await sql<AccountRow>`SELECT a.* FROM accounts_fts f JOIN accounts a ON a.id = printf('%d', f.rowid)
      WHERE accounts_fts MATCH ${match}${sql.join(
        filters().map((f) => sql` AND ${f}`),
        sql``,
      )}
      ORDER BY f.rank LIMIT ${opts.limit + exact.length} OFFSET ${opts.offset}`.execute(db)
  ).rows
  const seen = new Set(exact.map((a) => a.id))
  return [...exact, ...found.filter((a) => !seen.has(a.id))].slice(0, opts.limit)
}

/**
 * Statuses the viewer may see whose words match, newest first: public and unlisted posts, and the
 * viewer's own, leaving out accounts the viewer blocks or mutes and those blocking the viewer. The
 * FTS5 rowid is the status id, so the index hands matches over newest first and the scan stops at
 * the page: the rows read follow the page size and the matches skipped, not the number of posts.
 */
async function searchStatusRows(db: Db, q: string, viewer: Viewer, opts: SearchQuery): Promise<StatusRow[]> {
  const match = ftsQuery(q, false)
  if (match === null) return []
  const conditions = [
    sql<boolean>`(s.visibility IN ('public', 'unlisted') OR s.account_id = ${viewer.accountId})`,
    sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ${viewer.accountId} AND b.target_account_id = s.account_id) OR (b.account_id = s.account_id AND b.target_account_id = ${viewer.accountId}))`,
    sql<boolean>`NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ${viewer.accountId} AND m.target_account_id = s.account_id)`,
    ...(opts.accountId !== null ? [sql<boolean>`s.account_id = ${opts.accountId}`] : []),
    ...(opts.maxId !== null ? [sql<boolean>`f.rowid < CAST(${opts.maxId} AS INTEGER)`] : []),
    ...(opts.minId !== null ? [sql<boolean>`f.rowid > CAST(${opts.minId} AS INTEGER)`] : []),
  ]
  // min_id pages up: the matches just above it, read upwards, then shown newest first.
  const up = opts.minId !== null
  const rows = (
    await sql<StatusRow>`SELECT s.* FROM statuses_fts f JOIN statuses s ON s.id = printf('%d', f.rowid)
      WHERE statuses_fts MATCH ${match}${sql.join(
        conditions.map((c) => sql` AND ${c}`),
        sql``,
      )}
      ORDER BY f.rowid ${up ? sql`ASC` : sql`DESC`} LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(db)
  ).rows
  return up ? rows.reverse() : rows
}

/** A URL or `@user@domain` that resolving could fetch. */
function resolvable(q: string): boolean {
  return /^https:\/\/\S+$/i.test(q) || /^@?[^\s@]+@[^\s@]+\.[^\s@]+$/.test(q)
}

async function rowsByIds<T extends { id: string }>(db: Db, table: 'accounts' | 'statuses', ids: string[]): Promise<T[]> {
  if (ids.length === 0) return []
  const rows = (await db.selectFrom(table).selectAll().where('id', 'in', ids.slice(0, 20)).execute()) as unknown as T[]
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.map((id) => byId.get(id)).filter((r): r is T => r !== undefined)
}

function firstUnique<T extends { id: string }>(lists: T[][], limit: number): T[] {
  const seen = new Set<string>()
  const out: T[] = []
  for (const row of lists.flat()) {
    if (seen.has(row.id)) continue
    seen.add(row.id)
    out.push(row)
  }
  return out.slice(0, limit)
}

export interface SearchResults {
  accounts: MastodonAccount[]
  statuses: MastodonStatus[]
  hashtags: MastodonTag[]
}

/**
 * GET /api/v2/search. Signed out, Mastodon allows neither `resolve` nor `offset` and searches no
 * statuses; accounts and hashtags are open to everyone.
 */
export async function search(env: Env, d1: D1Database, db: Db, viewer: Viewer | null, query: SearchQuery, origin: string): Promise<SearchResults> {
  if (viewer === null && (query.resolve || query.offset > 0)) {
    throw new HttpError(401, 'Search queries that resolve remote resources or use an offset need a signed-in user')
  }
  const want = (t: SearchType) => query.type === null || query.type === t
  if (query.q === '') return { accounts: [], statuses: [], hashtags: [] }
  await catchUpSearchIndex(d1)
  const host = new URL(origin).host

  const resolving = viewer !== null && query.resolve && resolvable(query.q)
  const resolved = resolving ? await resolveRemote(env, db, query.q) : { accountIds: [], statusIds: [] }
  // A resolved URL answers with what it names, as Mastodon does; its words are not searched.
  const byWords = !(resolving && /^https:/i.test(query.q))

  const accountRows = async () => {
    const words = byWords && !/^https:/i.test(query.q) ? await searchAccountRows(db, query.q, viewer, query, host) : []
    return firstUnique([await rowsByIds<AccountRow>(db, 'accounts', resolved.accountIds), words], query.limit)
  }
  const statusRows = async (v: Viewer) => {
    const found = (await rowsByIds<StatusRow>(db, 'statuses', resolved.statusIds)).filter((r) => visibleToPublic(r) || r.account_id === v.accountId)
    return firstUnique([found, byWords ? await searchStatusRows(db, query.q, v, query) : []], query.limit)
  }
  const [accounts, statuses, hashtags] = await Promise.all([
    want('accounts') ? accountRows() : [],
    want('statuses') && viewer !== null ? statusRows(viewer) : [],
    want('hashtags') && byWords ? hashtagRows(db, query) : [],
  ])
  return {
    accounts: accounts.map((a) => renderAccount(a, origin)),
    statuses: await renderStatusRows(db, statuses, origin, viewer?.accountId ?? null),
    hashtags: await renderTags(db, hashtags, viewer?.accountId ?? null, origin),
  }
}

async function hashtagRows(db: Db, query: SearchQuery) {
  const name = query.q.replace(/^#/, '')
  if (!/^[\p{L}\p{M}\p{N}_]+$/u.test(name)) return []
  return tagsByPrefix(db, name, query.limit, query.offset)
}

/** GET /api/v1/accounts/search: the accounts part of search, with the same rules. */
export async function searchAccounts(env: Env, d1: D1Database, db: Db, viewer: Viewer | null, query: SearchQuery, origin: string): Promise<MastodonAccount[]> {
  return (await search(env, d1, db, viewer, { ...query, type: 'accounts' }, origin)).accounts
}
