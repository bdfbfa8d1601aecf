import type { Db } from '../db/client'
import { withFilters } from '../filters/apply'
import { renderStatusRows, type MastodonStatus } from '../mastodon/status'
import type { PageRequest } from '../timelines/page'
import { listTimelineRows } from './feed'
import { ownList } from './lists'

/** GET /api/v1/timelines/list/:id: only the owner reads a list; others get 404, as for any list. */
export async function listTimeline(db: Db, accountId: string, listId: string, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  await ownList(db, accountId, listId)
  return withFilters(db, accountId, 'home', await renderStatusRows(db, await listTimelineRows(db, listId, page), origin, accountId))
}
