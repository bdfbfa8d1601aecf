import type { Db } from '../db/client'
import { accountStatusRows, ancestorIds, descendantIds, homeTimelineRows, pinnedStatusRows, publicTimelineRows, tagTimelineRows, type PublicScope } from '../timelines/queries'
import type { PageRequest } from '../timelines/page'
import { readAccount } from '../accounts/read'
import { visibleIds, visibleStatus } from '../statuses/visibility'
import { loadStatuses, renderStatusRows, type MastodonStatus } from './status'

/**
 * Timelines and threads. `viewerId` is the signed-in account (or null): it decides what private
 * posts show and adds the viewer's flags (favourited, reblogged…) to each status.
 */
export async function publicTimeline(db: Db, scope: PublicScope, onlyMedia: boolean, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await publicTimelineRows(db, scope, page, onlyMedia), origin, viewerId)
}

export async function tagTimeline(db: Db, tag: string, scope: PublicScope, page: PageRequest, origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await tagTimelineRows(db, tag, scope, page), origin, viewerId)
}

/** A thread around a status: the ancestors and descendants the viewer may see. */
export async function statusContext(db: Db, id: string, origin: string, viewerId: string | null = null) {
  await visibleStatus(db, viewerId, id)
  const [up, down] = await Promise.all([ancestorIds(db, id), descendantIds(db, id)])
  const [ancestors, descendants] = await Promise.all([loadStatuses(db, up, origin, viewerId), loadStatuses(db, down, origin, viewerId)])
  const visible = await visibleIds(db, viewerId, [...ancestors, ...descendants].map((s) => ({ id: s.id, account_id: s.account.id, visibility: s.visibility })))
  return { ancestors: ancestors.filter((s) => visible.has(s.id)), descendants: descendants.filter((s) => visible.has(s.id)) }
}

/** Which of an account's posts a viewer may list: all of their own, followers-only too for followers. */
async function accountVisibilities(db: Db, accountId: string, viewerId: string | null): Promise<Array<'public' | 'unlisted' | 'private' | 'direct'>> {
  if (viewerId === accountId) return ['public', 'unlisted', 'private', 'direct']
  if (viewerId !== null) {
    const follows = await db.selectFrom('follows').select('id').where('account_id', '=', viewerId).where('target_account_id', '=', accountId).where('state', '=', 'accepted').executeTakeFirst()
    if (follows) return ['public', 'unlisted', 'private']
  }
  return ['public', 'unlisted']
}

export async function accountStatuses(
  db: Db,
  id: string,
  options: { excludeReplies: boolean; excludeReblogs: boolean; onlyMedia: boolean; tagged: string | null; pinned: boolean },
  page: PageRequest,
  origin: string,
  viewerId: string | null = null,
): Promise<MastodonStatus[]> {
  await readAccount(db, id, origin)
  const visibilities = await accountVisibilities(db, id, viewerId)
  const rows = options.pinned ? await pinnedStatusRows(db, id, visibilities, page) : await accountStatusRows(db, id, { ...options, visibilities }, page)
  return renderStatusRows(db, rows, origin, viewerId)
}

/**
 * A signed-in account's home timeline. Its entries were fanned out on write to the accounts allowed
 * to see them, so reading it needs no visibility check.
 */
export async function homeTimeline(db: Db, accountId: string, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await homeTimelineRows(db, accountId, page), origin, accountId)
}
