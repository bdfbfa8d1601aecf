import { renderStatusRows, type MastodonStatus } from '../mastodon/status'
import { notFound } from '../http/errors'
import { statusActivityUri } from '../federation/activity-ids'
import { federate } from './federate'
import { ownStatus } from './visibility'
import { streamDelete, type Writer } from './writer'
import { statusAudience } from '../streaming/publish'

/**
 * DELETE /api/v1/statuses/:id: the author's own status goes, with the reblogs of it, in one batch.
 * The answer carries the source text and the media so a client can redraft; the media stay,
 * detached and reusable, unless `delete_media` is asked for (as in Mastodon).
 */
export async function deleteStatus(w: Writer, accountId: string, id: string, deleteMedia: boolean): Promise<MastodonStatus> {
  const row = await ownStatus(w.db, accountId, id)
  const [rendered] = await renderStatusRows(w.db, [row], w.site.origin, accountId)
  if (!rendered) throw notFound()
  const mentioned = await w.db.selectFrom('status_mentions').select('account_id').where('status_id', '=', id).execute()
  const statements = [
    ...(deleteMedia ? [] : [w.d1.prepare('UPDATE media_attachments SET status_id = NULL WHERE status_id = ?1').bind(id)]),
    // Reblogs have no foreign key to what they reblog; they go with it.
    w.d1.prepare('DELETE FROM statuses WHERE reblog_of_id = ?1').bind(id),
    w.d1.prepare('DELETE FROM statuses WHERE id = ?1 AND account_id = ?2').bind(id, accountId),
  ]
  const audience = await statusAudience(w.db, id)
  await w.d1.batch(statements)
  streamDelete(w, id, audience)
  if (row.reblog_of_id === null) {
    await federate(w.env, { action: 'delete', actorId: accountId, objectUri: row.uri, targetAccountIds: mentioned.map((m) => m.account_id) })
  } else {
    // Deleting one's reblog is undoing it, as /unreblog does.
    const original = await w.db.selectFrom('statuses').select(['uri', 'account_id']).where('id', '=', row.reblog_of_id).executeTakeFirst()
    if (original) {
      await federate(w.env, { action: 'undo-announce', actorId: accountId, activityUri: statusActivityUri(row.uri), objectUri: original.uri, targetAccountIds: [original.account_id] })
    }
  }
  // The source for redrafting; the counts are as they were before the delete, as Mastodon answers.
  return { ...rendered, text: row.text ?? '' }
}
