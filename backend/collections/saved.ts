import type { Db } from '../db/client'
import { renderStatusRows, type MastodonStatus, type StatusRow } from '../mastodon/status'
import { visibleIds } from '../statuses/visibility'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'

export type SavedKind = 'favourites' | 'bookmarks'

export interface SavedPage {
  statuses: MastodonStatus[]
  /** Ids of the first and last rows read (favourite or bookmark ids), for the Link header. */
  newest: string | undefined
  oldest: string | undefined
}

/**
 * The viewer's favourited or bookmarked statuses, newest first, paged by the favourite's or
 * bookmark's own id as Mastodon pages them. One range scan of (account_id, id) joined to statuses by
 * primary key, so a page reads about `limit` rows of each. A status the viewer may no longer see
 * (its author blocked them, or they stopped following a followers-only author) is left out, but
 * its row still moves the cursor, so paging never stalls on it.
 */
export async function savedStatuses(db: Db, kind: SavedKind, viewerId: string, page: PageRequest, origin: string): Promise<SavedPage> {
  const { where, order } = keyset(`${kind}.id`, page)
  const rows = await db
    .selectFrom(kind)
    .innerJoin('statuses', 'statuses.id', `${kind}.status_id`)
    .selectAll('statuses')
    .select(`${kind}.id as saved_id`)
    .where(`${kind}.account_id`, '=', viewerId)
    .where(where)
    .orderBy(`${kind}.id`, order)
    .limit(page.limit)
    .execute()
  const ordered = newestFirst(page, rows)
  const visible = await visibleIds(db, viewerId, ordered)
  const shown: StatusRow[] = ordered.filter((r) => visible.has(r.id)).map(({ saved_id: _, ...status }) => status)
  return {
    statuses: await renderStatusRows(db, shown, origin, viewerId),
    newest: ordered[0]?.saved_id,
    oldest: ordered[ordered.length - 1]?.saved_id,
  }
}
