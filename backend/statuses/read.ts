import type { Db } from '../db/client'
import { notFound, unprocessable } from '../http/errors'
import { isId } from '../ids'
import { loadStatuses, renderStatusRows, type MastodonStatus } from '../mastodon/status'
import { inList } from './sql'
import { visibleIds, visibleStatus } from './visibility'

/** GET /api/v1/statuses/:id for a viewer (or signed out). */
export async function readStatus(db: Db, viewerId: string | null, id: string, origin: string): Promise<MastodonStatus> {
  const row = await visibleStatus(db, viewerId, id)
  const [status] = await renderStatusRows(db, [row], origin, viewerId)
  if (!status) throw notFound()
  return status
}

export const MAX_STATUSES_PER_LOOKUP = 20

/** GET /api/v1/statuses?id[]=…: the ones the viewer may see, in the order asked; others are left out. */
export async function readStatuses(db: Db, viewerId: string | null, ids: string[], origin: string): Promise<MastodonStatus[]> {
  const wanted = [...new Set(ids)]
  if (wanted.length > MAX_STATUSES_PER_LOOKUP) throw unprocessable(`At most ${MAX_STATUSES_PER_LOOKUP} ids`)
  const valid = wanted.filter(isId)
  if (valid.length === 0) return []
  const rows = await db.selectFrom('statuses').select(['id', 'account_id', 'visibility']).where(inList('id', valid)).execute()
  const visible = await visibleIds(db, viewerId, rows)
  return loadStatuses(db, valid.filter((id) => visible.has(id)), origin, viewerId)
}
