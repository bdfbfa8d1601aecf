import { CompiledQuery, sql, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../db/client'
import type { StatusRow } from '../mastodon/status'
import { lowerBound, newestFirst, readsAscending, type PageRequest } from './page'
import { mentionsViewer, visibleToViewer, type Visibility } from '../relationships/visibility'
import { conversationStatements, recordConversations } from '../conversations/write'

/** Keyset conditions and order for a column of ids, applied as raw SQL so any table can share them. */
export function keyset(column: string, page: PageRequest): { where: Expression<SqlBool>; order: 'asc' | 'desc' } {
  const ref = sql.ref(column)
  const parts = [sql<SqlBool>`1 = 1`]
  if (page.maxId !== null) parts.push(sql<SqlBool>`${ref} < ${page.maxId}`)
  const low = lowerBound(page)
  if (low !== null) parts.push(sql<SqlBool>`${ref} > ${low}`)
  return { where: sql<SqlBool>`${sql.join(parts, sql` AND `)}`, order: readsAscending(page) ? 'asc' : 'desc' }
}

export type PublicScope = 'all' | 'local' | 'remote'

/**
 * Public, original posts, newest first, as whole rows: reading them with the index scan costs
 * `limit` rows once, instead of again by id.
 */
export async function publicTimelineRows(db: Db, scope: PublicScope, page: PageRequest, onlyMedia = false, viewerId: string | null = null): Promise<StatusRow[]> {
  const { where, order } = keyset('statuses.id', page)
  let q = db
    .selectFrom('statuses')
    .selectAll('statuses')
    .where('visibility', '=', 'public')
    .where('reblog_of_id', 'is', null)
    .where(where)
  if (viewerId !== null) q = q.where(visibleToViewer(viewerId))
  if (scope !== 'all') q = q.where('local', '=', scope === 'local' ? 1 : 0)
  // A join on the first attachment, not a subquery per row: one index probe per candidate.
  if (onlyMedia) q = q.innerJoin('media_attachments', (j) => j.onRef('media_attachments.status_id', '=', 'statuses.id').on('media_attachments.position', '=', 0))
  return newestFirst(page, await q.orderBy('statuses.id', order).limit(page.limit).execute())
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
 * A local account's home timeline as whole status rows, newest first: one range scan of its feed.
 * Blocking or muting removes the author's entries from the feed; what arrives later (a muted
 * account's new posts, reblogs of hidden authors) is filtered here.
 */
export async function homeTimelineRows(db: Db, accountId: string, page: PageRequest): Promise<StatusRow[]> {
  const { where, order } = keyset('home_feed.status_id', page)
  const rows = await db
    .selectFrom('home_feed')
    .innerJoin('statuses', 'statuses.id', 'home_feed.status_id')
    .selectAll('statuses')
    .where('home_feed.account_id', '=', accountId)
    .where(where)
    .where(visibleToViewer(accountId))
    .orderBy('home_feed.status_id', order)
    .limit(page.limit)
    .execute()
  return newestFirst(page, rows)
}

/** Whether local account `reader` blocks or mutes `author` (both columns of the enclosing query). */
const SHUNNED = (reader: string, author: string) => `(
       EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = ${reader} AND b.target_account_id = ${author})
    OR EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ${reader} AND m.target_account_id = ${author}
                 AND (m.expires_at IS NULL OR m.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))))`

/** Whether `reader` keeps `author` in an exclusive list, whose posts stay out of home. */
const IN_EXCLUSIVE_LIST = (reader: string, author: string) => `EXISTS (
       SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id
        WHERE la.account_id = ${author} AND l.account_id = ${reader} AND l.exclusive = 1)`

/**
 * Fan-out on write, one statement whose cost is the number of local readers: the author's local
 * followers (for public, unlisted and followers-only posts, and reblogs when they show reblogs),
 * the local accounts a direct post mentions, the author, if local, and local readers who follow one of
 * a public post's hashtags (as in Mastodon). Readers who block or mute
 * the author (or, for a reblog, the original's author) are skipped, and so are readers who keep
 * the author in an exclusive list. Idempotent.
 */
const FAN_OUT_SQL = `
  INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)
  SELECT f.account_id, s.id, s.account_id
    FROM statuses s
    JOIN follows f ON f.target_account_id = s.account_id AND f.state = 'accepted'
    JOIN accounts a ON a.id = f.account_id AND a.domain = ''
    LEFT JOIN statuses o ON o.id = s.reblog_of_id
   WHERE s.id = ?1
     AND s.visibility IN ('public', 'unlisted', 'private')
     AND (s.reblog_of_id IS NULL OR f.show_reblogs = 1)
     AND NOT ${SHUNNED('f.account_id', 's.account_id')}
     AND NOT ${IN_EXCLUSIVE_LIST('f.account_id', 's.account_id')}
     AND (o.id IS NULL OR NOT ${SHUNNED('f.account_id', 'o.account_id')})
  UNION ALL
  SELECT sm.account_id, s.id, s.account_id
    FROM statuses s
    JOIN status_mentions sm ON sm.status_id = s.id
    JOIN accounts a ON a.id = sm.account_id AND a.domain = ''
   WHERE s.id = ?1 AND s.visibility = 'direct'
     AND NOT ${SHUNNED('sm.account_id', 's.account_id')}
  UNION ALL
  SELECT s.account_id, s.id, s.account_id
    FROM statuses s JOIN accounts a ON a.id = s.account_id AND a.domain = ''
   WHERE s.id = ?1
  UNION ALL
  SELECT tf.account_id, s.id, s.account_id
    -- CROSS JOIN keeps this order: from the post's few tags to their followers, never from all local accounts.
    FROM statuses s
    CROSS JOIN accounts author ON author.id = s.account_id
    CROSS JOIN status_tags st ON st.status_id = s.id
    CROSS JOIN tag_follows tf ON tf.tag_id = st.tag_id
    CROSS JOIN accounts a ON a.id = tf.account_id AND a.domain = ''
   WHERE s.id = ?1 AND s.visibility = 'public' AND s.reblog_of_id IS NULL
     AND NOT ${SHUNNED('tf.account_id', 's.account_id')}
     AND NOT EXISTS (SELECT 1 FROM account_domain_blocks d WHERE d.account_id = tf.account_id AND d.domain = author.domain)
`

/**
 * The same for lists: every list holding the author gets the post, a reply only as the list's
 * replies policy allows (to its members, to anyone the owner follows, or never); replies to
 * oneself always count as part of a thread.
 */
const LIST_FAN_OUT_SQL = `
  INSERT OR IGNORE INTO list_feed (list_id, status_id, author_id)
  SELECT l.id, s.id, s.account_id
    FROM statuses s
    JOIN list_accounts la ON la.account_id = s.account_id
    JOIN lists l ON l.id = la.list_id
    JOIN follows f ON f.account_id = l.account_id AND f.target_account_id = s.account_id AND f.state = 'accepted'
   WHERE s.id = ?1
     AND s.visibility IN ('public', 'unlisted', 'private')
     AND (s.reblog_of_id IS NULL OR f.show_reblogs = 1)
     AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id
          OR (l.replies_policy = 'list' AND EXISTS (SELECT 1 FROM list_accounts m WHERE m.list_id = l.id AND m.account_id = s.in_reply_to_account_id))
          OR (l.replies_policy = 'followed' AND EXISTS (
                SELECT 1 FROM follows g WHERE g.account_id = l.account_id AND g.target_account_id = s.in_reply_to_account_id AND g.state = 'accepted')))
`

/**
 * The fan-outs as statements, for the batch that stores the status (read-your-writes in the request).
 * A direct status also opens or advances its participants' conversations.
 */
export function fanOutStatements(d1: D1Database, statusId: string): D1PreparedStatement[] {
  return [d1.prepare(FAN_OUT_SQL).bind(statusId), d1.prepare(LIST_FAN_OUT_SQL).bind(statusId), ...conversationStatements(d1, statusId)]
}

/** Puts a new post (or reblog) into the home timelines, lists and conversations allowed to see it. */
export async function fanOutToHomeFeeds(db: Db, statusId: string): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(FAN_OUT_SQL, [statusId]))
  await db.executeQuery(CompiledQuery.raw(LIST_FAN_OUT_SQL, [statusId]))
  await recordConversations(db, statusId)
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

/** Public posts carrying a hashtag (matched case-insensitively), newest first. */
export async function tagTimelineRows(db: Db, tagName: string, scope: PublicScope, page: PageRequest, viewerId: string | null = null): Promise<StatusRow[]> {
  const tag = await db.selectFrom('tags').select('id').where(sql<SqlBool>`name = ${tagName} COLLATE NOCASE`).executeTakeFirst()
  if (!tag) return []
  const { where, order } = keyset('status_tags.status_id', page)
  let q = db
    .selectFrom('status_tags')
    .innerJoin('statuses', 'statuses.id', 'status_tags.status_id')
    .selectAll('statuses')
    .where('status_tags.tag_id', '=', tag.id)
    .where('statuses.visibility', '=', 'public')
    .where(where)
  if (scope !== 'all') q = q.where('statuses.local', '=', scope === 'local' ? 1 : 0)
  if (viewerId !== null) q = q.where(visibleToViewer(viewerId))
  return newestFirst(page, await q.orderBy('status_tags.status_id', order).limit(page.limit).execute())
}

/** Public posts sharing a link (as normalized by backend/trends/links.ts), newest first. */
export async function linkTimelineRows(db: Db, url: string, page: PageRequest, viewerId: string | null = null): Promise<StatusRow[]> {
  const { where, order } = keyset('status_links.status_id', page)
  let q = db
    .selectFrom('status_links')
    .innerJoin('statuses', 'statuses.id', 'status_links.status_id')
    .selectAll('statuses')
    .where('status_links.url', '=', url)
    .where('statuses.visibility', '=', 'public')
    .where(where)
  if (viewerId !== null) q = q.where(visibleToViewer(viewerId))
  return newestFirst(page, await q.orderBy('status_links.status_id', order).limit(page.limit).execute())
}

export interface AccountStatusesOptions {
  excludeReplies: boolean
  excludeReblogs: boolean
  onlyMedia: boolean
  /** Only posts with this hashtag. */
  tagged: string | null
  /** Signed-out visitors see public and unlisted posts only. */
  visibilities: Visibility[]
  /**
   * A signed-in viewer other than the author: their private or direct posts that mention the
   * viewer are shown too, and reblogs of accounts hidden from the viewer are left out.
   */
  viewerId?: string | null
}

/** The visibilities given, plus private and direct posts that mention a signed-in viewer. */
function authorVisibility(accountId: string, options: Pick<AccountStatusesOptions, 'visibilities' | 'viewerId'>): Expression<SqlBool> {
  const listed = sql<SqlBool>`statuses.visibility IN (${sql.join(options.visibilities)})`
  const viewerId = options.viewerId ?? null
  return viewerId !== null && viewerId !== accountId ? sql<SqlBool>`(${listed} OR ${mentionsViewer(viewerId)})` : listed
}

/** An account's posts (and reblogs), newest first. */
export async function accountStatusRows(db: Db, accountId: string, options: AccountStatusesOptions, page: PageRequest): Promise<StatusRow[]> {
  const { where, order } = keyset('statuses.id', page)
  let q = db
    .selectFrom('statuses')
    .selectAll('statuses')
    .where('statuses.account_id', '=', accountId)
    .where(where)
  q = q.where(authorVisibility(accountId, options))
  const viewerId = options.viewerId ?? null
  if (viewerId !== null && viewerId !== accountId) q = q.where(visibleToViewer(viewerId, false))
  if (options.excludeReplies) q = q.where('statuses.in_reply_to_id', 'is', null)
  if (options.excludeReblogs) q = q.where('statuses.reblog_of_id', 'is', null)
  if (options.onlyMedia) q = q.innerJoin('media_attachments', (j) => j.onRef('media_attachments.status_id', '=', 'statuses.id').on('media_attachments.position', '=', 0))
  if (options.tagged !== null) {
    const tagged = options.tagged
    q = q
      .innerJoin('status_tags', 'status_tags.status_id', 'statuses.id')
      .innerJoin('tags', 'tags.id', 'status_tags.tag_id')
      .where(sql<SqlBool>`tags.name = ${tagged} COLLATE NOCASE`)
  }
  return newestFirst(page, await q.orderBy('statuses.id', order).limit(page.limit).execute())
}

/** The posts an account pinned, most recently pinned first, within the visibilities given. */
export async function pinnedStatusRows(db: Db, accountId: string, options: Pick<AccountStatusesOptions, 'visibilities' | 'viewerId'>, limit: number): Promise<StatusRow[]> {
  const q = db
    .selectFrom('status_pins')
    .innerJoin('statuses', 'statuses.id', 'status_pins.status_id')
    .selectAll('statuses')
    .where('status_pins.account_id', '=', accountId)
    .where(authorVisibility(accountId, options))
  return q.orderBy('status_pins.created_at', 'desc').limit(limit).execute()
}

/** How far up and down a thread the context goes, so one huge thread cannot cost unbounded reads. */
export const CONTEXT_ANCESTORS = 40
export const CONTEXT_DESCENDANTS = 400

/** The chain of posts a status replies to, oldest first, in one recursive query. */
export async function ancestorIds(db: Db, statusId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    WITH RECURSIVE up(id, parent, depth) AS (
      SELECT s.id, s.in_reply_to_id, 0 FROM statuses s WHERE s.id = ${statusId}
      UNION ALL
      SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent
       WHERE up.depth < ${CONTEXT_ANCESTORS}
    )
    SELECT id FROM up WHERE depth > 0 ORDER BY depth DESC
  `.execute(db)
  return rows.map((r) => r.id)
}

/** Replies to a status and to its replies, depth-first in thread order, in one recursive query. */
export async function descendantIds(db: Db, statusId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    WITH RECURSIVE down(id, path, depth) AS (
      SELECT ${statusId}, ${statusId}, 0
      UNION ALL
      SELECT s.id, down.path || '/' || s.id, down.depth + 1
        FROM statuses s JOIN down ON s.in_reply_to_id = down.id
       WHERE down.depth < ${CONTEXT_ANCESTORS}
       LIMIT ${CONTEXT_DESCENDANTS + 1}
    )
    SELECT id FROM down WHERE depth > 0 ORDER BY path
  `.execute(db)
  return rows.map((r) => r.id)
}
