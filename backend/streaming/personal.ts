// The `user` stream's status as each reader's home timeline shows it: that reader's flags
// (favourited, reblogged, bookmarked, muted, pinned) and `filtered` results, or nothing at all if a
// `hide` filter matches. Rendered in the publisher for every local reader at once (they are few: the
// home_feed rows of the post), so the StreamingObject sends ready frames and does no D1 work per socket.
import { sql } from 'kysely'
import type { Db } from '../db/client'
import { loadFiltersOf } from '../filters/filters'
import { applyFilterSet, FilterSet } from '../filters/apply'
import type { MastodonStatus } from '../mastodon/status'

type Flag = 'favourited' | 'reblogged' | 'bookmarked' | 'pinned' | 'muted'

/** As viewer-flags.ts reads them for a page: each flag's table and the column holding the status. */
const SOURCES: ReadonlyArray<{ flag: Flag; table: string; column: string }> = [
  { flag: 'favourited', table: 'favourites', column: 'status_id' },
  { flag: 'reblogged', table: 'statuses', column: 'reblog_of_id' },
  { flag: 'bookmarked', table: 'bookmarks', column: 'status_id' },
  { flag: 'pinned', table: 'status_pins', column: 'status_id' },
  { flag: 'muted', table: 'status_mutes', column: 'status_id' },
]
const CHUNK = 80

/** Every reader's flags on the one or two statuses shown, in one query per 80 readers. */
async function flagsOf(db: Db, viewers: string[], statusIds: string[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < viewers.length; i += CHUNK) {
    const chunk = viewers.slice(i, i + CHUNK)
    const { rows } = await sql<{ flag: Flag; account: string; id: string }>`${sql.join(
      SOURCES.map(
        (s) => sql`SELECT ${s.flag} AS flag, account_id AS account, ${sql.ref(s.column)} AS id FROM ${sql.table(s.table)}
          WHERE account_id IN (${sql.join(chunk)}) AND ${sql.ref(s.column)} IN (${sql.join(statusIds)})`,
      ),
      sql` UNION ALL `,
    )}`.execute(db)
    for (const r of rows) found.add(`${r.account}\n${r.flag}\n${r.id}`)
  }
  return found
}

/**
 * What a timeline read gives this viewer for `status` (see renderStatusRows): a plain status shows
 * the viewer's flags on it; a reblog shows them on its original and none on the wrapper.
 */
function withFlags(status: MastodonStatus, viewerId: string, has: (flag: Flag, id: string) => boolean): MastodonStatus {
  const flags = (s: MastodonStatus, own: boolean) => ({
    favourited: own && has('favourited', s.id),
    reblogged: own && has('reblogged', s.id),
    bookmarked: own && has('bookmarked', s.id),
    muted: own && has('muted', s.id),
    ...(s.account.id === viewerId ? { pinned: own && has('pinned', s.id) } : {}),
  })
  if (status.reblog === null) return { ...status, ...flags(status, true) }
  return { ...status, ...flags(status, false), reblog: { ...status.reblog, ...flags(status.reblog, true) } }
}

/**
 * The `user` stream payload for each viewer, and the viewers a `hide` filter keeps it from. Three
 * to five queries whatever the number of readers (80 per flag query).
 */
export async function personalPayloads(db: Db, status: MastodonStatus, viewers: string[]): Promise<{ payloadFor: Record<string, string>; hidden: Set<string> }> {
  const payloadFor: Record<string, string> = {}
  const hidden = new Set<string>()
  if (viewers.length === 0) return { payloadFor, hidden }
  const shown = status.reblog === null ? [status.id] : [status.id, status.reblog.id]
  const [flags, filters] = await Promise.all([flagsOf(db, viewers, shown), loadFiltersOf(db, viewers)])
  for (const viewer of viewers) {
    const mine = withFlags(status, viewer, (flag, id) => flags.has(`${viewer}\n${flag}\n${id}`))
    const set = new FilterSet(filters.get(viewer) ?? [], 'home')
    if (set.empty) {
      payloadFor[viewer] = JSON.stringify(mine)
      continue
    }
    const [kept] = applyFilterSet(set, [mine], viewer)
    if (kept === undefined) hidden.add(viewer)
    else payloadFor[viewer] = JSON.stringify(kept)
  }
  return { payloadFor, hidden }
}

/**
 * Public and hashtag streams carry one shared payload, but a reader's filters for the `public`
 * context apply there as on the public timelines: the readers some filter matches get the status with
 * their `filtered` results, or nothing (null) where a `hide` filter matches. Only accounts with a
 * live public-context filter are read: in a small community, a handful of rows.
 */
export async function publicFilteredPayloads(db: Db, status: MastodonStatus): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {}
  const viewers = (
    await sql<{ account_id: string }>`
      SELECT DISTINCT account_id FROM filters
       WHERE context LIKE '%"public"%' AND (expires_at IS NULL OR expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`.execute(db)
  ).rows.map((r) => r.account_id)
  if (viewers.length === 0) return out
  const filters = await loadFiltersOf(db, viewers)
  for (const viewer of viewers) {
    const set = new FilterSet(filters.get(viewer) ?? [], 'public')
    if (set.empty) continue
    const [kept] = applyFilterSet(set, [status], viewer)
    if (kept === undefined) out[viewer] = null
    else if (kept.filtered.length > 0) out[viewer] = JSON.stringify(kept)
  }
  return out
}
