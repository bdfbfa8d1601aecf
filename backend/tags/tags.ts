import { sql, type Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { TagsTable } from '../db/schema'
import { notFound, unprocessable } from '../http/errors'
import { newId } from '../ids'
import { lowerBound, newestFirst, readsAscending, type PageRequest } from '../timelines/page'

export type TagRow = Selectable<TagsTable>

const DAY_MS = 86_400_000
const HISTORY_DAYS = 7

/** What Mastodon accepts as a hashtag name: letters, digits, marks and underscores, not all digits. */
export function tagName(raw: string): string {
  const name = raw.replace(/^#/, '').normalize('NFC')
  if (!/^[\p{L}\p{M}\p{N}_]{1,100}$/u.test(name) || /^[\p{N}_]+$/u.test(name)) throw unprocessable('Not a valid hashtag name')
  return name
}

export async function findTag(db: Db, name: string): Promise<TagRow | undefined> {
  return db.selectFrom('tags').selectAll().where(sql<boolean>`name = ${name} COLLATE NOCASE`).executeTakeFirst()
}

/** The tag, created on first use as Mastodon does when someone follows a tag nobody has used yet. */
export async function findOrCreateTag(db: Db, name: string): Promise<TagRow> {
  await db.insertInto('tags').values({ id: newId(), name }).onConflict((oc) => oc.doNothing()).execute()
  const row = await findTag(db, name)
  if (row === undefined) throw new Error(`tag ${name} vanished after insert`)
  return row
}

type History = Array<{ day: string; uses: string; accounts: string }>

/**
 * Tag.history for a set of tags: the last 7 days, newest first, days without use as zeros. Reads the
 * counters kept by trigger in tag_days (migrations/0006): at most 7 rows per tag.
 */
async function histories(db: Db, tagIds: string[], now = Date.now()): Promise<Map<string, History>> {
  const today = Math.floor(now / DAY_MS)
  const rows =
    tagIds.length === 0
      ? []
      : await db.selectFrom('tag_days').select(['tag_id', 'day', 'uses', 'accounts']).where('tag_id', 'in', tagIds).where('day', '>', today - HISTORY_DAYS).execute()
  const out = new Map<string, History>()
  for (const id of tagIds) {
    const days = Array.from({ length: HISTORY_DAYS }, (_, i) => today - i)
    out.set(
      id,
      days.map((d) => {
        const hit = rows.find((r) => r.tag_id === id && r.day === d)
        return { day: String(d * 86_400), uses: String(hit?.uses ?? 0), accounts: String(hit?.accounts ?? 0) }
      }),
    )
  }
  return out
}

async function followedAmong(db: Db, viewerId: string, tagIds: string[]): Promise<Set<string>> {
  if (tagIds.length === 0) return new Set()
  const rows = await db.selectFrom('tag_follows').select('tag_id').where('account_id', '=', viewerId).where('tag_id', 'in', tagIds).execute()
  return new Set(rows.map((r) => r.tag_id))
}

export function tagUrl(name: string, origin: string): string {
  return `${origin}/tags/${encodeURIComponent(name.toLowerCase())}`
}

/** The Tag entity, for each row in order. `following` is there only for a signed-in viewer, as in Mastodon. */
export async function renderTags(db: Db, rows: TagRow[], viewerId: string | null, origin: string) {
  const ids = rows.map((r) => r.id)
  const [history, followed] = await Promise.all([histories(db, ids), viewerId === null ? Promise.resolve(null) : followedAmong(db, viewerId, ids)])
  return rows.map((r) => ({
    id: r.id,
    name: r.name.toLowerCase(),
    url: tagUrl(r.name, origin),
    history: history.get(r.id) ?? [],
    ...(followed === null ? {} : { following: followed.has(r.id) }),
  }))
}

export type MastodonTag = Awaited<ReturnType<typeof renderTags>>[number]

async function renderOne(db: Db, row: TagRow, viewerId: string | null, origin: string): Promise<MastodonTag> {
  const [tag] = await renderTags(db, [row], viewerId, origin)
  if (tag === undefined) throw notFound()
  return tag
}

/** GET /api/v1/tags/:name. */
export async function readTag(db: Db, rawName: string, viewerId: string | null, origin: string): Promise<MastodonTag> {
  const row = await findTag(db, tagName(rawName))
  if (row === undefined) throw notFound()
  return renderOne(db, row, viewerId, origin)
}

/** POST /api/v1/tags/:name/follow. Following twice is one follow. */
export async function followTag(db: Db, accountId: string, rawName: string, origin: string): Promise<MastodonTag> {
  const row = await findOrCreateTag(db, tagName(rawName))
  await db.insertInto('tag_follows').values({ id: newId(), account_id: accountId, tag_id: row.id }).onConflict((oc) => oc.doNothing()).execute()
  return renderOne(db, row, accountId, origin)
}

/** POST /api/v1/tags/:name/unfollow. */
export async function unfollowTag(db: Db, accountId: string, rawName: string, origin: string): Promise<MastodonTag> {
  const row = await findTag(db, tagName(rawName))
  if (row === undefined) throw notFound()
  await db.deleteFrom('tag_follows').where('account_id', '=', accountId).where('tag_id', '=', row.id).execute()
  return renderOne(db, row, accountId, origin)
}

/** Tags whose names start with `prefix` (case-insensitive), through the NOCASE index on tags.name. */
export async function tagsByPrefix(db: Db, prefix: string, limit: number, offset: number): Promise<TagRow[]> {
  // Every string with the prefix sorts at or after it and before prefix + the highest code point.
  return db
    .selectFrom('tags')
    .selectAll()
    .where(sql<boolean>`name >= ${prefix} COLLATE NOCASE`)
    .where(sql<boolean>`name < ${`${prefix}\u{10FFFF}`} COLLATE NOCASE`)
    .orderBy(sql`name COLLATE NOCASE`)
    .limit(limit)
    .offset(offset)
    .execute()
}

/** GET /api/v1/followed_tags: newest follow first, keyset-paged on the follow's id. */
export async function followedTags(db: Db, accountId: string, page: PageRequest, origin: string): Promise<Array<{ tag: MastodonTag; cursor: string }>> {
  let q = db
    .selectFrom('tag_follows as f')
    .innerJoin('tags as t', 't.id', 'f.tag_id')
    .select(['f.id as follow_id', 't.id', 't.name', 't.created_at'])
    .where('f.account_id', '=', accountId)
  const lower = lowerBound(page)
  if (page.maxId !== null) q = q.where('f.id', '<', page.maxId)
  if (lower !== null) q = q.where('f.id', '>', lower)
  const rows = newestFirst(page, await q.orderBy('f.id', readsAscending(page) ? 'asc' : 'desc').limit(page.limit).execute())
  const tags = await renderTags(db, rows, accountId, origin)
  return tags.map((tag, i) => ({ tag, cursor: rows[i]?.follow_id ?? '' }))
}
