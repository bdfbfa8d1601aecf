import type { Db } from '../db/client'
import { isId } from '../ids'
import { notFound } from '../http/errors'
import { accountStatusRows, ancestorIds, descendantIds, homeTimelineRows, publicTimelineRows, tagTimelineRows, type PublicScope } from '../timelines/queries'
import type { PageRequest } from '../timelines/page'
import { readAccount } from '../accounts/read'
import { loadStatuses, renderStatusRows, visibleToPublic, type MastodonStatus } from './status'

/**
 * What a signed-out visitor may read: public timelines, public and unlisted statuses, and accounts.
 * Signed-in reads add the viewer's relationships on top of these.
 */
export async function publicTimeline(db: Db, scope: PublicScope, onlyMedia: boolean, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await publicTimelineRows(db, scope, page, onlyMedia), origin)
}

export async function tagTimeline(db: Db, tag: string, scope: PublicScope, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await tagTimelineRows(db, tag, scope, page), origin)
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

export async function publicContext(db: Db, id: string, origin: string) {
  await visibleStatusRow(db, id)
  const [up, down] = await Promise.all([ancestorIds(db, id), descendantIds(db, id)])
  const [ancestors, descendants] = await Promise.all([loadStatuses(db, up, origin), loadStatuses(db, down, origin)])
  const visible = (s: MastodonStatus) => visibleToPublic(s)
  return { ancestors: ancestors.filter(visible), descendants: descendants.filter(visible) }
}

export async function publicAccountStatuses(
  db: Db,
  id: string,
  options: { excludeReplies: boolean; excludeReblogs: boolean; onlyMedia: boolean; tagged: string | null; pinned: boolean },
  page: PageRequest,
  origin: string,
): Promise<MastodonStatus[]> {
  await readAccount(db, id, origin)
  // Pinning arrives with the signed-in statuses API; until then no account has pinned posts.
  if (options.pinned) return []
  return renderStatusRows(db, await accountStatusRows(db, id, { ...options, visibilities: ['public', 'unlisted'] }, page), origin)
}

/**
 * A signed-in account's home timeline. Its entries were fanned out on write to the accounts allowed
 * to see them, so reading it needs no visibility check.
 */
export async function homeTimeline(db: Db, accountId: string, page: PageRequest, origin: string): Promise<MastodonStatus[]> {
  return renderStatusRows(db, await homeTimelineRows(db, accountId, page), origin)
}
