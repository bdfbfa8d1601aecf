import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely'
import type { Db } from '../db/client'

const NOW = sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

/**
 * Whether the author in `column` is hidden from the viewer: the viewer blocks or mutes them, or
 * they block the viewer. Three probes of the pair indexes (blocks_pair, mutes_pair) per candidate
 * row, each reading at most one entry, so a page's cost stays bounded by the rows it scans.
 */
export function authorHidden(viewerId: string, column: string): RawBuilder<SqlBool> {
  const author = sql.ref(column)
  return sql<SqlBool>`(EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = ${viewerId} AND b.target_account_id = ${author})
    OR EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = ${author} AND b.target_account_id = ${viewerId})
    OR EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ${viewerId} AND m.target_account_id = ${author}
                 AND (m.expires_at IS NULL OR m.expires_at > ${NOW})))`
}

/**
 * Keeps a timeline row (aliased `statuses`) when neither its author nor, for a reblog, the
 * original's author is hidden from the viewer. The original is one primary-key probe, and only
 * for reblogs.
 */
export function visibleToViewer(viewerId: string, checkAuthor = true): Expression<SqlBool> {
  const reblogOk = sql<SqlBool>`(statuses.reblog_of_id IS NULL OR EXISTS (
    SELECT 1 FROM statuses o WHERE o.id = statuses.reblog_of_id AND NOT ${authorHidden(viewerId, 'o.account_id')}))`
  return checkAuthor ? sql<SqlBool>`(NOT ${authorHidden(viewerId, 'statuses.account_id')} AND ${reblogOk})` : reblogOk
}

/**
 * Which of `authorIds` the viewer must not see, for lists already bounded in size (a thread's
 * context): one query per table, whatever the number of authors. Notifications pass
 * `includeMutes = false`: a mute that keeps notifications still shows their statuses there.
 */
export async function hiddenAuthors(db: Db, viewerId: string, authorIds: readonly string[], includeMutes = true): Promise<Set<string>> {
  const ids = [...new Set(authorIds)].filter((id) => id !== viewerId)
  if (ids.length === 0) return new Set()
  const list = JSON.stringify(ids)
  const [blocks, mutes] = await Promise.all([
    sql<{ id: string }>`
      SELECT j.value AS id FROM json_each(${list}) j CROSS JOIN blocks b
       WHERE (b.account_id = ${viewerId} AND b.target_account_id = j.value) OR (b.account_id = j.value AND b.target_account_id = ${viewerId})`.execute(db),
    includeMutes ? mutedAmong(db, viewerId, list) : { rows: [] },
  ])
  return new Set([...blocks.rows, ...mutes.rows].map((r) => r.id))
}

function mutedAmong(db: Db, viewerId: string, list: string) {
  return sql<{ id: string }>`
    SELECT m.target_account_id AS id FROM json_each(${list}) j
      JOIN mutes m ON m.account_id = ${viewerId} AND m.target_account_id = j.value AND (m.expires_at IS NULL OR m.expires_at > ${NOW})`.execute(db)
}

/** Whether either account blocks the other: one probe of blocks_pair each way. */
export async function blockedEitherWay(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db
    .selectFrom('blocks')
    .select('id')
    .where((eb) => eb.or([eb.and([eb('account_id', '=', a), eb('target_account_id', '=', b)]), eb.and([eb('account_id', '=', b), eb('target_account_id', '=', a)])]))
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct'

/**
 * Which of an author's posts a viewer may read: everything for the author, followers-only posts
 * for accepted followers, and private or direct posts that mention the viewer (checked per row by
 * `mentionsViewer`, only for rows the visibility list leaves out).
 */
export async function visibilitiesFor(db: Db, viewerId: string | null, authorId: string): Promise<Visibility[]> {
  if (viewerId === null) return ['public', 'unlisted']
  if (viewerId === authorId) return ['public', 'unlisted', 'private', 'direct']
  const follow = await db
    .selectFrom('follows')
    .select('id')
    .where('account_id', '=', viewerId)
    .where('target_account_id', '=', authorId)
    .where('state', '=', 'accepted')
    .executeTakeFirst()
  return follow ? ['public', 'unlisted', 'private'] : ['public', 'unlisted']
}

/** A private or direct row (aliased `statuses`) that mentions the viewer: one primary-key probe. */
export function mentionsViewer(viewerId: string): Expression<SqlBool> {
  return sql<SqlBool>`(statuses.visibility IN ('private', 'direct') AND EXISTS (
    SELECT 1 FROM status_mentions sm WHERE sm.status_id = statuses.id AND sm.account_id = ${viewerId}))`
}
