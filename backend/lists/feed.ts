import { sql } from 'kysely'
import type { Db } from '../db/client'
import type { StatusRow } from '../mastodon/status'
import { newestFirst, type PageRequest } from '../timelines/page'
import { keyset } from '../timelines/queries'

/**
 * Puts a new post into the feed of every list holding its author, in one statement. A reply goes
 * in only as the list's replies policy allows: to the list's members (`list`), to anyone the owner
 * follows (`followed`), or never (`none`). Replies to oneself always count as part of a thread.
 */
export async function fanOutToListFeeds(db: Db, statusId: string): Promise<void> {
  await sql`
    INSERT OR IGNORE INTO list_feed (list_id, status_id, author_id)
    SELECT l.id, s.id, s.account_id
      FROM statuses s
      JOIN list_accounts la ON la.account_id = s.account_id
      JOIN lists l ON l.id = la.list_id
     WHERE s.id = ${statusId}
       AND s.visibility IN ('public', 'unlisted', 'private')
       AND (s.reblog_of_id IS NULL OR EXISTS (
             SELECT 1 FROM follows f WHERE f.account_id = l.account_id AND f.target_account_id = s.account_id AND f.show_reblogs = 1))
       AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id
            OR (l.replies_policy = 'list' AND EXISTS (SELECT 1 FROM list_accounts m WHERE m.list_id = l.id AND m.account_id = s.in_reply_to_account_id))
            OR (l.replies_policy = 'followed' AND EXISTS (
                  SELECT 1 FROM follows f WHERE f.account_id = l.account_id AND f.target_account_id = s.in_reply_to_account_id AND f.state = 'accepted')))
  `.execute(db)
}

/** A member just added: their recent posts join the list, so it does not start empty. */
export async function mergeIntoListFeed(db: Db, listId: string, memberId: string, recent = 40): Promise<void> {
  await sql`
    INSERT OR IGNORE INTO list_feed (list_id, status_id, author_id)
    SELECT ${listId}, s.id, s.account_id
      FROM statuses s
     WHERE s.account_id = ${memberId} AND s.visibility IN ('public', 'unlisted', 'private') AND s.reblog_of_id IS NULL
     ORDER BY s.id DESC LIMIT ${recent}
  `.execute(db)
}

/** A list's timeline as whole status rows, newest first: one range scan of its feed. */
export async function listTimelineRows(db: Db, listId: string, page: PageRequest): Promise<StatusRow[]> {
  const { where, order } = keyset('list_feed.status_id', page)
  const rows = await db
    .selectFrom('list_feed')
    .innerJoin('statuses', 'statuses.id', 'list_feed.status_id')
    .selectAll('statuses')
    .where('list_feed.list_id', '=', listId)
    .where(where)
    .orderBy('list_feed.status_id', order)
    .limit(page.limit)
    .execute()
  return newestFirst(page, rows)
}
