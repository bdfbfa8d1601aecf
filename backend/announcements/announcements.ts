import type { Db } from '../db/client'
import type { Env } from '../env'
import { plainTextToHtml } from '../federation/html-entities'
import { notFound, unprocessable } from '../http/errors'
import { newId } from '../ids'

const MAX_REACTION_NAMES = 8

interface AnnouncementRow {
  id: string
  content: string
  starts_at: string | null
  ends_at: string | null
  all_day: number
  published_at: string
  updated_at: string
}

/**
 * GET /api/v1/announcements: the published ones that have not ended, with the reader's dismissals
 * and reactions. Announcements are few (the admin writes them by hand), so all are read at once.
 */
export async function listAnnouncements(env: Pick<Env, 'DB'>, db: Db, accountId: string, withDismissed: boolean, origin: string) {
  const now = new Date().toISOString()
  const rows: AnnouncementRow[] = await db
    .selectFrom('announcements')
    .select(['id', 'content', 'starts_at', 'ends_at', 'all_day', 'published_at', 'updated_at'])
    .where('published', '=', 1)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .orderBy('published_at', 'desc')
    .limit(50)
    .execute()
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [dismissed, reactions] = await Promise.all([
    db.selectFrom('announcement_dismissals').select('announcement_id').where('account_id', '=', accountId).where('announcement_id', 'in', ids).execute(),
    db
      .selectFrom('announcement_reactions as r')
      .leftJoin('custom_emojis as e', (j) => j.onRef('e.shortcode', '=', 'r.name').on('e.domain', '=', ''))
      .select(({ fn }) => ['r.announcement_id', 'r.name', 'e.url', 'e.static_url', fn.countAll<number>().as('count')])
      .select((eb) => eb.fn.sum<number>(eb.case().when('r.account_id', '=', accountId).then(1).else(0).end()).as('mine'))
      .where('r.announcement_id', 'in', ids)
      .groupBy(['r.announcement_id', 'r.name'])
      .execute(),
  ])
  const read = new Set(dismissed.map((d) => d.announcement_id))
  return rows
    .filter((r) => withDismissed || !read.has(r.id))
    .map((r) => ({
      id: r.id,
      content: r.content,
      starts_at: r.starts_at,
      ends_at: r.ends_at,
      all_day: r.all_day === 1,
      published_at: r.published_at,
      updated_at: r.updated_at,
      read: read.has(r.id),
      mentions: [],
      statuses: [],
      tags: [],
      emojis: [],
      reactions: reactions
        .filter((x) => x.announcement_id === r.id)
        .map((x) => ({
          name: x.name,
          count: Number(x.count),
          me: Number(x.mine) > 0,
          ...(x.url ? { url: absolute(x.url, origin), static_url: absolute(x.static_url ?? x.url, origin) } : {}),
        })),
    }))
}

function absolute(url: string, origin: string): string {
  return new URL(url, origin).href
}

async function existing(db: Db, id: string): Promise<void> {
  const row = await db.selectFrom('announcements').select('id').where('id', '=', id).where('published', '=', 1).executeTakeFirst()
  if (row === undefined) throw notFound()
}

export async function dismissAnnouncement(db: Db, accountId: string, id: string): Promise<void> {
  await existing(db, id)
  await db.insertInto('announcement_dismissals').values({ announcement_id: id, account_id: accountId }).onConflict((oc) => oc.doNothing()).execute()
}

/** A reaction is a Unicode emoji or one of this instance's custom emoji, by shortcode. */
async function validReaction(db: Db, name: string): Promise<void> {
  if (name === '' || name.length > 32) throw unprocessable('Validation failed: Name is invalid')
  if (/^[A-Za-z0-9_]+$/.test(name)) {
    const emoji = await db.selectFrom('custom_emojis').select('id').where('shortcode', '=', name).where('domain', '=', '').executeTakeFirst()
    if (emoji === undefined) throw unprocessable('Validation failed: Name is not a recognized emoji')
    return
  }
  if (!/^(\p{Extended_Pictographic}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3|[#*0-9]|\p{Emoji_Modifier})+$/u.test(name) || !/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(name)) {
    throw unprocessable('Validation failed: Name is not a recognized emoji')
  }
}

export async function addReaction(env: Pick<Env, 'DB'>, db: Db, accountId: string, id: string, name: string): Promise<void> {
  await existing(db, id)
  await validReaction(db, name)
  // At most eight different reactions on an announcement, as Mastodon allows; checked in the insert.
  const result = await env.DB.prepare(
    `INSERT OR IGNORE INTO announcement_reactions (announcement_id, account_id, name)
     SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM announcement_reactions WHERE announcement_id = ?1 AND name = ?3)
        OR (SELECT count(DISTINCT name) FROM announcement_reactions WHERE announcement_id = ?1) < ${MAX_REACTION_NAMES}`,
  )
    .bind(id, accountId, name)
    .run()
  if (result.meta.changes === 0) {
    const mine = await db.selectFrom('announcement_reactions').select('name').where('announcement_id', '=', id).where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst()
    if (mine === undefined) throw unprocessable('Validation failed: Maximum number of reactions reached')
  }
}

export async function removeReaction(db: Db, accountId: string, id: string, name: string): Promise<void> {
  await existing(db, id)
  await db.deleteFrom('announcement_reactions').where('announcement_id', '=', id).where('account_id', '=', accountId).where('name', '=', name).execute()
}

function timestamp(value: unknown, name: string): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw unprocessable(`Validation failed: ${name} is not a valid time`)
  return new Date(value).toISOString()
}

/** Admin only: publishes an announcement to every local account. */
export async function createAnnouncement(db: Db, params: Record<string, unknown>) {
  const text = typeof params.text === 'string' ? params.text.trim() : ''
  if (text === '') throw unprocessable("Validation failed: Text can't be blank")
  if (text.length > 5000) throw unprocessable('Validation failed: Text is too long')
  const startsAt = timestamp(params.starts_at, 'starts_at')
  const endsAt = timestamp(params.ends_at, 'ends_at')
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) throw unprocessable('Validation failed: ends_at must be after starts_at')
  const id = newId()
  await db
    .insertInto('announcements')
    .values({ id, content: plainTextToHtml(text), starts_at: startsAt, ends_at: endsAt, all_day: params.all_day === true || params.all_day === 'true' ? 1 : 0 })
    .execute()
  return id
}

export async function deleteAnnouncement(db: Db, id: string): Promise<void> {
  const result = await db.deleteFrom('announcements').where('id', '=', id).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw notFound()
}

/** The Announcement as the streaming `announcement` event carries it: no reader, so no `read` and no `me`. */
export async function renderForStream(db: Db, id: string, origin: string) {
  const row = await db.selectFrom('announcements').select(['id', 'content', 'starts_at', 'ends_at', 'all_day', 'published_at', 'updated_at']).where('id', '=', id).where('published', '=', 1).executeTakeFirst()
  if (row === undefined) return null
  const reactions = await db
    .selectFrom('announcement_reactions as r')
    .leftJoin('custom_emojis as e', (j) => j.onRef('e.shortcode', '=', 'r.name').on('e.domain', '=', ''))
    .select(({ fn }) => ['r.name', 'e.url', 'e.static_url', fn.countAll<number>().as('count')])
    .where('r.announcement_id', '=', id)
    .groupBy('r.name')
    .execute()
  return {
    id: row.id,
    content: row.content,
    starts_at: row.starts_at,
    ends_at: row.ends_at,
    all_day: row.all_day === 1,
    published_at: row.published_at,
    updated_at: row.updated_at,
    mentions: [],
    statuses: [],
    tags: [],
    emojis: [],
    reactions: reactions.map((x) => ({
      name: x.name,
      count: Number(x.count),
      me: false,
      ...(x.url ? { url: absolute(x.url, origin), static_url: absolute(x.static_url ?? x.url, origin) } : {}),
    })),
  }
}

/** A reaction's count now, for the `announcement.reaction` event (Mastodon sends it after adding and removing). */
export async function reactionCount(db: Db, id: string, name: string): Promise<{ name: string; count: number; announcement_id: string }> {
  const row = await db.selectFrom('announcement_reactions').select(({ fn }) => fn.countAll<number>().as('n')).where('announcement_id', '=', id).where('name', '=', name).executeTakeFirst()
  return { name, count: Number(row?.n ?? 0), announcement_id: id }
}
