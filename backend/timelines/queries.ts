import { sql, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../db/client'
import { lowerBound, newestFirst, readsAscending, type PageRequest } from './page'

/** Keyset conditions and order for a column of ids, applied as raw SQL so any table can share them. */
function keyset(column: string, page: PageRequest): { where: Expression<SqlBool>; order: 'asc' | 'desc' } {
  const ref = sql.ref(column)
  const parts = [sql<SqlBool>`1 = 1`]
  if (page.maxId !== null) parts.push(sql<SqlBool>`${ref} < ${page.maxId}`)
  const low = lowerBound(page)
  if (low !== null) parts.push(sql<SqlBool>`${ref} > ${low}`)
  return { where: sql<SqlBool>`${sql.join(parts, sql` AND `)}`, order: readsAscending(page) ? 'asc' : 'desc' }
}

export type PublicScope = 'all' | 'local' | 'remote'

/** Ids of public, original posts, newest first. Reads at most `limit` index entries. */
export async function publicTimelineIds(db: Db, scope: PublicScope, page: PageRequest): Promise<string[]> {
  const { where, order } = keyset('statuses.id', page)
  let q = db
    .selectFrom('statuses')
    .select('statuses.id')
    .where('visibility', '=', 'public')
    .where('reblog_of_id', 'is', null)
    .where(where)
  if (scope !== 'all') q = q.where('local', '=', scope === 'local' ? 1 : 0)
  const rows = await q.orderBy('statuses.id', order).limit(page.limit).execute()
  return newestFirst(page, rows.map((r) => r.id))
}

/** Ids of the entries of a local account's home timeline, newest first. */
export async function homeTimelineIds(db: Db, accountId: string, page: PageRequest): Promise<string[]> {
  const { where, order } = keyset('home_feed.status_id', page)
  const rows = await db
    .selectFrom('home_feed')
    .select('status_id')
    .where('account_id', '=', accountId)
    .where(where)
    .orderBy('status_id', order)
    .limit(page.limit)
    .execute()
  return newestFirst(page, rows.map((r) => r.status_id))
}

/**
 * Puts a new post (or reblog) into the home timelines of its author, if local, and of the author's
 * local followers, in one statement whose cost is the number of local followers. Idempotent.
 */
export async function fanOutToHomeFeeds(db: Db, statusId: string): Promise<void> {
  await sql`
    INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)
    SELECT f.account_id, s.id, s.account_id
      FROM statuses s
      JOIN follows f ON f.target_account_id = s.account_id AND f.state = 'accepted'
      JOIN accounts a ON a.id = f.account_id AND a.domain = ''
     WHERE s.id = ${statusId}
       AND s.visibility IN ('public', 'unlisted', 'private')
       AND (s.reblog_of_id IS NULL OR f.show_reblogs = 1)
    UNION ALL
    SELECT s.account_id, s.id, s.account_id
      FROM statuses s JOIN accounts a ON a.id = s.account_id AND a.domain = ''
     WHERE s.id = ${statusId}
  `.execute(db)
}

/** After a follow is accepted: the newest posts of the followed account join the follower's home. */
export async function mergeIntoHomeFeed(db: Db, followerId: string, targetId: string, recent = 40): Promise<void> {
  await sql`
    INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)
    SELECT ${followerId}, s.id, s.account_id
      FROM statuses s
     WHERE s.account_id = ${targetId} AND s.visibility IN ('public', 'unlisted', 'private')
     ORDER BY s.id DESC LIMIT ${recent}
  `.execute(db)
}

/** After an unfollow, mute or block: that author's entries leave the home timeline. */
export async function removeAuthorFromHomeFeed(db: Db, accountId: string, authorId: string): Promise<void> {
  await db.deleteFrom('home_feed').where('account_id', '=', accountId).where('author_id', '=', authorId).execute()
}
