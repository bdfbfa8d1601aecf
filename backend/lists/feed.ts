import { sql } from 'kysely'
import type { Db } from '../db/client'
import type { StatusRow } from '../mastodon/status'
import { newestFirst, type PageRequest } from '../timelines/page'
import { keyset } from '../timelines/queries'

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
