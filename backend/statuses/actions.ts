import { sql } from 'kysely'
import type { Db } from '../db/client'
import { newId } from '../ids'
import { unprocessable } from '../http/errors'
import { LIMITS } from '../instance/limits'
import { localActivityUri } from '../federation/activity-ids'
import { notificationsCommitted, notificationStatements } from '../notifications/create'
import type { MastodonStatus } from '../mastodon/status'
import { federate } from './federate'
import { render } from './post'
import { prepared } from './sql'
import { visibleOriginal, visibleStatus } from './visibility'
import type { Writer } from './writer'

/*
 * The per-viewer actions on a status. Each is idempotent (doing it twice is doing it once) and
 * answers with the status as the viewer now sees it, flags included.
 */

async function favouriteOf(db: Db, accountId: string, statusId: string) {
  return db.selectFrom('favourites').select('id').where('account_id', '=', accountId).where('status_id', '=', statusId).executeTakeFirst()
}

async function actorUri(db: Db, accountId: string): Promise<string> {
  const row = await db.selectFrom('accounts').select('uri').where('id', '=', accountId).executeTakeFirstOrThrow()
  return row.uri
}


export async function favourite(w: Writer, viewerId: string, requestedId: string): Promise<MastodonStatus> {
  const row = await visibleOriginal(w.db, viewerId, requestedId)
  const id = row.id
  if (!(await favouriteOf(w.db, viewerId, id))) {
    const favouriteId = newId()
    const notifications = notificationStatements(w.d1, [{ accountId: row.account_id, fromAccountId: viewerId, type: 'favourite', statusId: id, key: `favourite:${favouriteId}` }])
    try {
      await w.d1.batch([prepared(w.d1, w.db.insertInto('favourites').values({ id: favouriteId, account_id: viewerId, status_id: id, uri: null })), ...notifications.statements])
    } catch (err) {
      // A concurrent favourite of the same status won the unique index: the favourite exists.
      if (await favouriteOf(w.db, viewerId, id)) return render(w, id, viewerId)
      throw err
    }
    await notificationsCommitted(w.env, notifications.ids)
    // Delivered to remote authors only (buildOutbound); likes of local statuses still go through the
    // consumer, which projects them into a bridged account's AT Protocol repository.
    await federate(w.env, { action: 'like', actorId: viewerId, objectId: favouriteId })
  }
  return render(w, id, viewerId)
}

export async function unfavourite(w: Writer, viewerId: string, requestedId: string): Promise<MastodonStatus> {
  const row = await visibleOriginal(w.db, viewerId, requestedId)
  const id = row.id
  const existing = await favouriteOf(w.db, viewerId, id)
  if (existing) {
    await w.db.deleteFrom('favourites').where('id', '=', existing.id).execute()
    await federate(w.env, {
      action: 'undo-like',
      actorId: viewerId,
      activityUri: localActivityUri(await actorUri(w.db, viewerId), 'likes', existing.id),
      objectUri: row.uri,
      targetAccountIds: [row.account_id],
    })
  }
  return render(w, id, viewerId)
}

export async function bookmark(w: Writer, viewerId: string, requestedId: string): Promise<MastodonStatus> {
  const { id } = await visibleOriginal(w.db, viewerId, requestedId)
  await w.db.insertInto('bookmarks').values({ id: newId(), account_id: viewerId, status_id: id }).onConflict((c) => c.doNothing()).execute()
  return render(w, id, viewerId)
}

export async function unbookmark(w: Writer, viewerId: string, requestedId: string): Promise<MastodonStatus> {
  const { id } = await visibleOriginal(w.db, viewerId, requestedId)
  await w.db.deleteFrom('bookmarks').where('account_id', '=', viewerId).where('status_id', '=', id).execute()
  return render(w, id, viewerId)
}

/** Only one's own public or unlisted posts can be pinned, up to the limit the instance reports. */
export async function pin(w: Writer, viewerId: string, id: string): Promise<MastodonStatus> {
  const row = await visibleStatus(w.db, viewerId, id)
  if (row.account_id !== viewerId) throw unprocessable('Validation failed: Only your own posts can be pinned')
  if (row.reblog_of_id !== null) throw unprocessable('Validation failed: Reblogs cannot be pinned')
  if (row.visibility !== 'public' && row.visibility !== 'unlisted') throw unprocessable('Validation failed: Only public and unlisted posts can be pinned')
  const max = LIMITS.accounts.maxPinnedStatuses
  // The count and the insert are one statement, so two pins at once cannot pass the limit together.
  const { numAffectedRows } = await sql`
    INSERT OR IGNORE INTO status_pins (account_id, status_id)
    SELECT ${viewerId}, ${id} WHERE (SELECT count(*) FROM status_pins WHERE account_id = ${viewerId}) < ${max}
  `.execute(w.db)
  if (Number(numAffectedRows ?? 0) === 0) {
    const pinned = await w.db.selectFrom('status_pins').select('status_id').where('account_id', '=', viewerId).where('status_id', '=', id).executeTakeFirst()
    if (!pinned) throw unprocessable(`Validation failed: You can pin at most ${max} posts`)
  }
  return render(w, id, viewerId)
}

export async function unpin(w: Writer, viewerId: string, id: string): Promise<MastodonStatus> {
  await visibleStatus(w.db, viewerId, id)
  await w.db.deleteFrom('status_pins').where('account_id', '=', viewerId).where('status_id', '=', id).execute()
  return render(w, id, viewerId)
}

/** Mutes the conversation: notifications about this status stop (notificationStatements checks status_mutes). */
export async function muteConversation(w: Writer, viewerId: string, id: string): Promise<MastodonStatus> {
  await visibleStatus(w.db, viewerId, id)
  await w.db.insertInto('status_mutes').values({ account_id: viewerId, status_id: id }).onConflict((c) => c.doNothing()).execute()
  return render(w, id, viewerId)
}

export async function unmuteConversation(w: Writer, viewerId: string, id: string): Promise<MastodonStatus> {
  await visibleStatus(w.db, viewerId, id)
  await w.db.deleteFrom('status_mutes').where('account_id', '=', viewerId).where('status_id', '=', id).execute()
  return render(w, id, viewerId)
}
