import type { Db } from '../db/client'
import { isId } from '../ids'
import { notFound } from '../http/errors'
import { accountStatusRows, ancestorIds, descendantIds, homeTimelineRows, pinnedStatusRows, publicTimelineRows, tagTimelineRows, type PublicScope } from '../timelines/queries'
import type { PageRequest } from '../timelines/page'
import { readAccount } from '../accounts/read'
import { loadStatuses, renderStatusRows, visibleToPublic, type MastodonStatus } from './status'
import { blockedEitherWay, visibilitiesFor } from '../relationships/visibility'
import { visibleStatusesFor } from '../relationships/thread-visibility'

/**
 * What a signed-out visitor may read: public timelines, public and unlisted statuses, and accounts.
 * Signed-in reads add the viewer's relationships on top of these.
 */
export async function publicTimeline(db: Db, scope: PublicScope, onlyMedia: boolean, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await publicTimelineRows(db, scope, page, onlyMedia, viewerId), origin)
}

export async function tagTimeline(db: Db, tag: string, scope: PublicScope, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await tagTimelineRows(db, tag, scope, page, viewerId), origin)
}

async function visibleStatusRow(db: Db, id: string) {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('statuses').select(['id', 'visibility']).where('id', '=', id).executeTakeFirst()
  if (!row || !visibleToPublic(row)) throw notFound()
  return row
}

export async function publicStatus(db: Db, id: string, origin: string): Promise<MastodonStatus> {
  await visibleStatusRow(db, id)
  const [status] = await loadStatuses(db, [id], origin)
  if (!status) throw notFound()
  return status
}

export async function publicContext(db: Db, id: string, origin: string, viewerId: string | null = null) {
  if (viewerId === null) await visibleStatusRow(db, id)
  // The status itself opens even if its author is muted; replies from muted accounts are left out.
  else if (!isId(id) || (await loadStatuses(db, [id], origin).then((s) => visibleStatusesFor(db, viewerId, s, false))).length === 0) throw notFound()
  const [up, down] = await Promise.all([ancestorIds(db, id), descendantIds(db, id)])
  const [ancestors, descendants] = await Promise.all([loadStatuses(db, up, origin), loadStatuses(db, down, origin)])
  if (viewerId !== null) {
    // One bounded pass over the whole thread: the viewer's blocks, mutes and follows among its authors.
    const visible = new Set((await visibleStatusesFor(db, viewerId, [...ancestors, ...descendants])).map((s) => s.id))
    return { ancestors: ancestors.filter((s) => visible.has(s.id)), descendants: descendants.filter((s) => visible.has(s.id)) }
  }
  const visible = (s: MastodonStatus) => visibleToPublic(s)
  return { ancestors: ancestors.filter(visible), descendants: descendants.filter(visible) }
}

export async function publicAccountStatuses(
  db: Db,
  id: string,
  options: { excludeReplies: boolean; excludeReblogs: boolean; onlyMedia: boolean; tagged: string | null; pinned: boolean },
  page: PageRequest,
  origin: string,
  viewerId: string | null = null,
): Promise<MastodonStatus[]> {
  await readAccount(db, id, origin)
  // Mastodon shows nothing of an account that blocks the viewer or that the viewer blocks.
  if (viewerId !== null && viewerId !== id && (await blockedEitherWay(db, viewerId, id))) return []
  const visibilities = await visibilitiesFor(db, viewerId, id)
  if (options.pinned) {
    // Pins are few and not paged: the first page lists them, later pages are empty.
    if (page.maxId !== null || page.minId !== null || page.sinceId !== null) return []
    return renderStatusRows(db, await pinnedStatusRows(db, id, { visibilities, viewerId }, page.limit), origin)
  }
  return renderStatusRows(db, await accountStatusRows(db, id, { ...options, visibilities, viewerId }, page), origin)
}

/**
 * A signed-in account's home timeline. Its entries were fanned out on write to the accounts allowed
 * to see them, so reading it needs no visibility check.
 */
export async function homeTimeline(db: Db, accountId: string, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await homeTimelineRows(db, accountId, page), origin)
}
