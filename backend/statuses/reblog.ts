import { newId, timeOfId } from '../ids'
import { HttpError } from '../http/errors'
import { statusActivityUri } from '../federation/activity-ids'
import { notificationsCommitted, notificationStatements } from '../notifications/create'
import { fanOutStatements } from '../timelines/queries'
import type { MastodonStatus } from '../mastodon/status'
import { federate } from './federate'
import { authorOf, readVisibility, render } from './post'
import { prepared } from './sql'
import { visibleOriginal } from './visibility'
import { streamDelete, streamStatus, type Writer } from './writer'
import { statusAudience } from '../streaming/publish'

async function reblogOf(w: Writer, viewerId: string, originalId: string) {
  return w.db.selectFrom('statuses').select(['id', 'uri']).where('reblog_of_id', '=', originalId).where('account_id', '=', viewerId).executeTakeFirst()
}

/**
 * POST /:id/reblog: a reblog row, fanned out to the reblogger's followers and notified to a local
 * author in one batch, then federated as an Announce. Answers with the reblog (original inside).
 * Followers-only posts can be reblogged by their author only (staying followers-only); direct never.
 */
export async function reblog(w: Writer, viewerId: string, id: string, params: Record<string, unknown>): Promise<MastodonStatus> {
  const original = await visibleOriginal(w.db, viewerId, id)
  const ownPrivate = original.visibility === 'private' && original.account_id === viewerId
  if (original.visibility === 'direct' || (original.visibility === 'private' && !ownPrivate)) throw new HttpError(403, 'This action is not allowed')
  const existing = await reblogOf(w, viewerId, original.id)
  if (existing) return render(w, existing.id, viewerId)
  const visibility = ownPrivate ? 'private' : (readVisibility(params, ['public', 'unlisted', 'private']) ?? 'public')
  const author = await authorOf(w.db, viewerId)
  const reblogId = newId()
  const notifications = notificationStatements(w.d1, [{ accountId: original.account_id, fromAccountId: viewerId, type: 'reblog', statusId: original.id, key: `reblog:${reblogId}` }])
  await w.d1.batch([
    prepared(
      w.d1,
      w.db.insertInto('statuses').values({
        id: reblogId,
        uri: `${w.site.origin}/users/${author.username}/statuses/${reblogId}`,
        url: null,
        account_id: viewerId,
        local: 1,
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        reblog_of_id: original.id,
        language: null,
        text: null,
        visibility,
        created_at: new Date(timeOfId(reblogId)).toISOString(),
        edited_at: null,
      }),
    ),
    ...fanOutStatements(w.d1, reblogId),
    ...notifications.statements,
  ])
  await notificationsCommitted(w.env, notifications.ids)
  await federate(w.env, { action: 'announce', actorId: viewerId, objectId: reblogId })
  streamStatus(w, reblogId, 'update')
  return render(w, reblogId, viewerId)
}

/** POST /:id/unreblog: the reblog goes (and with it its home-feed entries); federated as Undo Announce. */
export async function unreblog(w: Writer, viewerId: string, id: string): Promise<MastodonStatus> {
  const original = await visibleOriginal(w.db, viewerId, id)
  const existing = await reblogOf(w, viewerId, original.id)
  if (existing) {
    const audience = await statusAudience(w.db, existing.id)
    await w.db.deleteFrom('statuses').where('id', '=', existing.id).execute()
    streamDelete(w, existing.id, audience)
    await federate(w.env, {
      action: 'undo-announce',
      actorId: viewerId,
      activityUri: statusActivityUri(existing.uri),
      objectUri: original.uri,
      targetAccountIds: [original.account_id],
    })
  }
  return render(w, original.id, viewerId)
}
