// A local actor's collections as paged OrderedCollections: the collection document gives totalItems and the
// first page; each page is one keyset range scan of PAGE_SIZE rows, linked to the next by `max_id`.
import type { Db } from '../db/client'
import { HttpError, notFound } from '../http/errors'
import { isId } from '../ids'
import type { AccountRow } from '../mastodon/account'
import type { StatusRow } from '../mastodon/status'
import { AP_CONTEXT, actorUrls, loadNoteParts, renderAnnounce, renderCreate, renderNote, withContext, type ApObject } from './objects'

export const PAGE_SIZE = 20

export type CollectionName = 'outbox' | 'followers' | 'following' | 'featured'

export async function localAccountByUsername(db: Db, username: string): Promise<AccountRow> {
  const account = await db.selectFrom('accounts').selectAll().where('username', '=', username).where('domain', '=', '').executeTakeFirst()
  if (!account) throw notFound('No such account')
  return account
}

function pageParam(url: URL): { page: boolean; maxId: string | null } {
  const maxId = url.searchParams.get('max_id')
  if (maxId !== null && !isId(maxId)) throw new HttpError(400, 'max_id must be an id')
  return { page: url.searchParams.get('page') === 'true' || maxId !== null, maxId }
}

function collection(id: string, totalItems: number): ApObject {
  return { '@context': AP_CONTEXT, id, type: 'OrderedCollection', totalItems, first: `${id}?page=true` }
}

function page(id: string, maxId: string | null, items: unknown[], lastKey: string | undefined, full: boolean): ApObject {
  return {
    '@context': AP_CONTEXT,
    id: maxId === null ? `${id}?page=true` : `${id}?max_id=${maxId}&page=true`,
    type: 'OrderedCollectionPage',
    partOf: id,
    ...(full && lastKey !== undefined ? { next: `${id}?max_id=${lastKey}&page=true` } : {}),
    orderedItems: items,
  }
}

/** Create (or Announce) activities of the account's public and unlisted statuses, newest first. */
async function outboxItems(db: Db, account: AccountRow, maxId: string | null, origin: string): Promise<{ items: ApObject[]; lastKey?: string; full: boolean }> {
  let q = db
    .selectFrom('statuses')
    .selectAll()
    .where('account_id', '=', account.id)
    .where('visibility', 'in', ['public', 'unlisted'])
  if (maxId !== null) q = q.where('id', '<', maxId)
  const rows = await q.orderBy('id', 'desc').limit(PAGE_SIZE).execute()
  const originals = rows.filter((r) => r.reblog_of_id === null)
  const parts = await loadNoteParts(db, originals)
  const reblogged = await reblogTargets(db, rows)
  const items: ApObject[] = []
  for (const row of rows) {
    if (row.reblog_of_id === null) {
      const p = parts.get(row.id)
      if (p) items.push(stripContext(renderCreate(renderNote(row, p, origin))))
    } else {
      const target = reblogged.get(row.reblog_of_id)
      if (target) items.push(stripContext(renderAnnounce(row, account.uri, target.uri, target.authorUri)))
    }
  }
  return { items, lastKey: rows[rows.length - 1]?.id, full: rows.length === PAGE_SIZE }
}

async function reblogTargets(db: Db, rows: StatusRow[]): Promise<Map<string, { uri: string; authorUri: string }>> {
  const ids = [...new Set(rows.map((r) => r.reblog_of_id).filter((id): id is string => id !== null))]
  if (ids.length === 0) return new Map()
  const targets = await db
    .selectFrom('statuses')
    .innerJoin('accounts', 'accounts.id', 'statuses.account_id')
    .select(['statuses.id as id', 'statuses.uri as uri', 'accounts.uri as authorUri'])
    .where('statuses.id', 'in', ids)
    .execute()
  return new Map(targets.map((t) => [t.id, { uri: t.uri, authorUri: t.authorUri }]))
}

function stripContext(object: ApObject): ApObject {
  const { '@context': _context, ...rest } = object
  return rest
}

/** Actor uris on one side of the account's accepted follows, newest first, keyed by the follow id. */
async function followItems(db: Db, account: AccountRow, side: 'followers' | 'following', maxId: string | null): Promise<{ items: string[]; lastKey?: string; full: boolean }> {
  const [mine, theirs] = side === 'followers' ? (['target_account_id', 'account_id'] as const) : (['account_id', 'target_account_id'] as const)
  let q = db
    .selectFrom('follows')
    .innerJoin('accounts', 'accounts.id', `follows.${theirs}`)
    .select(['follows.id as id', 'accounts.uri as uri'])
    .where(`follows.${mine}`, '=', account.id)
    .where('follows.state', '=', 'accepted')
  if (maxId !== null) q = q.where('follows.id', '<', maxId)
  const rows = await q.orderBy('follows.id', 'desc').limit(PAGE_SIZE).execute()
  return { items: rows.map((r) => r.uri), lastKey: rows[rows.length - 1]?.id, full: rows.length === PAGE_SIZE }
}

/** Pinned statuses, as Notes: a short list, served whole. */
async function featured(db: Db, account: AccountRow, origin: string): Promise<ApObject> {
  const rows = await db
    .selectFrom('status_pins')
    .innerJoin('statuses', 'statuses.id', 'status_pins.status_id')
    .selectAll('statuses')
    .where('status_pins.account_id', '=', account.id)
    .where('statuses.visibility', 'in', ['public', 'unlisted'])
    .orderBy('status_pins.created_at', 'desc')
    .limit(PAGE_SIZE)
    .execute()
  const parts = await loadNoteParts(db, rows)
  const items = rows.flatMap((r) => {
    const p = parts.get(r.id)
    return p ? [renderNote(r, p, origin)] : []
  })
  return withContext({ id: actorUrls(account.uri).featured, type: 'OrderedCollection', totalItems: items.length, orderedItems: items })
}

export async function renderCollection(db: Db, account: AccountRow, name: CollectionName, requestUrl: string): Promise<ApObject> {
  const origin = new URL(requestUrl).origin
  if (name === 'featured') return featured(db, account, origin)
  const urls = actorUrls(account.uri)
  const id = urls[name]
  const { page: wantsPage, maxId } = pageParam(new URL(requestUrl))
  if (!wantsPage) {
    const total = name === 'outbox' ? account.statuses_count : name === 'followers' ? account.followers_count : account.following_count
    return collection(id, total)
  }
  const result = name === 'outbox' ? await outboxItems(db, account, maxId, origin) : await followItems(db, account, name, maxId)
  return page(id, maxId, result.items, result.lastKey, result.full)
}
