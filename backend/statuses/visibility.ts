import type { Db } from '../db/client'
import { isId } from '../ids'
import { notFound } from '../http/errors'
import type { StatusRow } from '../mastodon/status'
import { inList } from './sql'

type VisibilityFacts = Pick<StatusRow, 'id' | 'account_id' | 'visibility'>

/**
 * Which of these statuses a viewer (an account id, or null signed out) may see, as Mastodon decides:
 * public and unlisted to everyone; followers-only to the author, accepted followers and mentioned
 * accounts; direct to the author and mentioned accounts. Nothing is shown to someone its author
 * blocks. At most three queries for any number of rows, each bounded by the rows asked about.
 */
export async function visibleIds(db: Db, viewerId: string | null, rows: readonly VisibilityFacts[]): Promise<Set<string>> {
  const visible = new Set<string>()
  if (viewerId === null) {
    for (const r of rows) if (r.visibility === 'public' || r.visibility === 'unlisted') visible.add(r.id)
    return visible
  }
  const others = rows.filter((r) => r.account_id !== viewerId)
  const restricted = others.filter((r) => r.visibility === 'private' || r.visibility === 'direct')
  const authors = [...new Set(others.map((r) => r.account_id))]
  const [blockedBy, followed, mentionedIn] = await Promise.all([
    authors.length === 0
      ? []
      : db.selectFrom('blocks').select('account_id as id').where('target_account_id', '=', viewerId).where(inList('account_id', authors)).execute(),
    restricted.length === 0
      ? []
      : db
          .selectFrom('follows')
          .select('target_account_id as id')
          .where('account_id', '=', viewerId)
          .where('state', '=', 'accepted')
          .where(inList('target_account_id', restricted.map((r) => r.account_id)))
          .execute(),
    restricted.length === 0
      ? []
      : db.selectFrom('status_mentions').select('status_id as id').where('account_id', '=', viewerId).where(inList('status_id', restricted.map((r) => r.id))).execute(),
  ])
  const blocking = new Set(blockedBy.map((r) => r.id))
  const follows = new Set(followed.map((r) => r.id))
  const mentions = new Set(mentionedIn.map((r) => r.id))
  for (const r of rows) {
    if (r.account_id === viewerId) visible.add(r.id)
    else if (blocking.has(r.account_id)) continue
    else if (r.visibility === 'public' || r.visibility === 'unlisted') visible.add(r.id)
    else if (mentions.has(r.id)) visible.add(r.id)
    else if (r.visibility === 'private' && follows.has(r.account_id)) visible.add(r.id)
  }
  return visible
}

/** A status the viewer may see, or 404 (as Mastodon answers, so hidden posts do not reveal they exist). */
export async function visibleStatus(db: Db, viewerId: string | null, id: string): Promise<StatusRow> {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('statuses').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row || !(await visibleIds(db, viewerId, [row])).has(row.id)) throw notFound()
  return row
}

/** What an action on a status acts on: a reblog's original (as Mastodon's favourites, bookmarks and reblogs do). */
export async function visibleOriginal(db: Db, viewerId: string, id: string): Promise<StatusRow> {
  const row = await visibleStatus(db, viewerId, id)
  return row.reblog_of_id === null ? row : visibleStatus(db, viewerId, row.reblog_of_id)
}

/** The viewer's own status, or 404 for anyone else's. */
export async function ownStatus(db: Db, accountId: string, id: string): Promise<StatusRow> {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('statuses').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()
  if (!row) throw notFound()
  return row
}
