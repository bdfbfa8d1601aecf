import type { Db } from '../db/client'
import { isId } from '../ids'
import { notFound, unprocessable } from '../http/errors'
import { accountStatusRows, ancestorIds, descendantIds, homeTimelineRows, linkTimelineRows, pinnedStatusRows, publicTimelineRows, tagTimelineRows, type PublicScope } from '../timelines/queries'
import type { PageRequest } from '../timelines/page'
import { readAccount } from '../accounts/read'
import { visibleIds, visibleStatus } from '../statuses/visibility'
import { loadStatuses, renderStatusRows, type MastodonStatus } from './status'
import { blockedEitherWay, visibilitiesFor } from '../relationships/visibility'
import { visibleStatusesFor } from '../relationships/thread-visibility'
import { withFilters } from '../filters/apply'
import { normalizeLink } from '../trends/links'

/**
 * Timelines and threads. `viewerId` is the signed-in account (or null): it decides what private
 * posts show and adds the viewer's flags (favourited, reblogged…) to each status.
 */
export async function publicTimeline(db: Db, scope: PublicScope, onlyMedia: boolean, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  return withFilters(db, viewerId, 'public', await renderStatusRows(db, await publicTimelineRows(db, scope, page, onlyMedia, viewerId), origin, viewerId))
}

export async function tagTimeline(db: Db, tag: string, scope: PublicScope, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  return withFilters(db, viewerId, 'public', await renderStatusRows(db, await tagTimelineRows(db, tag, scope, page, viewerId), origin, viewerId))
}

/**
 * GET /api/v1/timelines/link: public posts that share a link. 404 for a link no stored public
 * post shares, as Mastodon answers for a link it has no trend for.
 */
export async function linkTimeline(db: Db, rawUrl: string, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  const url = normalizeLink(rawUrl)
  if (url === null) throw unprocessable('url must be an http(s) URL')
  const rows = await linkTimelineRows(db, url, page, viewerId)
  if (rows.length === 0 && page.maxId === null && page.minId === null && page.sinceId === null) throw notFound()
  return withFilters(db, viewerId, 'public', await renderStatusRows(db, rows, origin, viewerId))
}

/**
 * A thread around a status: the ancestors and descendants the viewer may see. The status itself
 * opens even if its author is muted (but not across a block); replies from muted accounts are left out.
 */
export async function statusContext(db: Db, id: string, origin: string, viewerId: string | null = null) {
  if (!isId(id)) throw notFound()
  const root = await visibleStatus(db, viewerId, id)
  if (viewerId !== null && viewerId !== root.account_id && (await blockedEitherWay(db, viewerId, root.account_id))) throw notFound()
  const [up, down] = await Promise.all([ancestorIds(db, id), descendantIds(db, id)])
  const [ancestors, descendants] = await Promise.all([loadStatuses(db, up, origin, viewerId), loadStatuses(db, down, origin, viewerId)])
  const thread = [...ancestors, ...descendants]
  // One bounded pass over the whole thread: visibility, and the viewer's blocks, mutes and follows among its authors.
  const visible =
    viewerId === null
      ? await visibleIds(db, null, thread.map((s) => ({ id: s.id, account_id: s.account.id, visibility: s.visibility })))
      : new Set((await visibleStatusesFor(db, viewerId, thread)).map((s) => s.id))
  // The viewer's filters are read once for the whole thread.
  const shown = await withFilters(db, viewerId, 'thread', thread.filter((s) => visible.has(s.id)))
  return {
    ancestors: shown.filter((s) => up.includes(s.id)),
    descendants: shown.filter((s) => !up.includes(s.id)),
  }
}

/** What a signed-out visitor (or a server-rendered page) may read of a thread. */
export function publicContext(db: Db, id: string, origin: string) {
  return statusContext(db, id, origin, null)
}

/** A status as a signed-out visitor sees it, or 404. */
export async function publicStatus(db: Db, id: string, origin: string): Promise<MastodonStatus> {
  await visibleStatus(db, null, id)
  const [status] = await loadStatuses(db, [id], origin)
  if (!status) throw notFound()
  return status
}

export interface AccountStatusOptions {
  excludeReplies: boolean
  excludeReblogs: boolean
  onlyMedia: boolean
  tagged: string | null
  pinned: boolean
}

export async function accountStatuses(
  db: Db,
  id: string,
  options: AccountStatusOptions,
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
    return withFilters(db, viewerId, 'account', await renderStatusRows(db, await pinnedStatusRows(db, id, { visibilities, viewerId }, page.limit), origin, viewerId))
  }
  return withFilters(db, viewerId, 'account', await renderStatusRows(db, await accountStatusRows(db, id, { ...options, visibilities, viewerId }, page), origin, viewerId))
}

/** An account's posts as a signed-out visitor (or a server-rendered page) sees them. */
export function publicAccountStatuses(db: Db, id: string, options: AccountStatusOptions, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return accountStatuses(db, id, options, page, origin, null)
}

/**
 * A signed-in account's home timeline. Its entries were fanned out on write to the accounts allowed
 * to see them, so reading it needs no visibility check.
 */
export async function homeTimeline(db: Db, accountId: string, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return withFilters(db, accountId, 'home', await renderStatusRows(db, await homeTimelineRows(db, accountId, page), origin, accountId))
}
