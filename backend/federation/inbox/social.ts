// Inbound activities about relationships and interactions: Follow, Accept, Reject, Undo, Like, Announce,
// Block, Move, and Update/Delete of actors. Each is idempotent by itself (unique uris and pairs), and the
// dispatcher also skips activity ids it has already handled.
import type { Db } from '../../db/client'
import { newId } from '../../ids'
import { notificationStatements, notificationsCommitted, type NewNotification } from '../../notifications/create'
import type { FederateMessage } from '../../queue/messages'
import { fanOutToHomeFeeds, removeAuthorFromHomeFeed } from '../../timelines/queries'
import { publishDelete, publishStatus, statusAudience, type StatusAudience } from '../../streaming/publish'
import { fetchObject, upsertActor } from '../actors'
import { invalidateActorKeys } from '../intake-cache'
import { storeRemoteNote, visibilityOf, type InboxEnv } from './notes'
import { dateOf, idOf, record, sameOrigin, typeOf, type Json } from './read'

export interface InboxContext {
  env: InboxEnv
  db: Db
  activity: Json
  /** The verified actor's uri and stored account id. */
  actorUri: string
  actorId: string
  localOrigin: string
}

async function localAccountByUri(db: Db, uri: string | null): Promise<{ id: string; locked: number } | undefined> {
  if (!uri) return undefined
  return db.selectFrom('accounts').select(['id', 'locked']).where('uri', '=', uri).where('domain', '=', '').executeTakeFirst()
}

async function notifyAndCommit(ctx: InboxContext, statements: D1PreparedStatement[], notify: NewNotification[]): Promise<D1Result[]> {
  const n = notificationStatements(ctx.env.DB, notify)
  const results = await ctx.env.DB.batch([...statements, ...n.statements])
  await notificationsCommitted(ctx.env, n.ids)
  return results
}

/** Follow of a local account: accepted at once (and an Accept queued) unless the account is locked. */
export async function onFollow(ctx: InboxContext): Promise<void> {
  const target = await localAccountByUri(ctx.db, idOf(ctx.activity.object))
  if (!target) return
  const uri = String(ctx.activity.id)
  const blocked = await ctx.db.selectFrom('blocks').select('id').where('account_id', '=', target.id).where('target_account_id', '=', ctx.actorId).executeTakeFirst()
  if (blocked) return
  const d1 = ctx.env.DB
  const state = target.locked === 1 ? 'pending' : 'accepted'
  const followId = newId()
  // A repeated Follow (a peer that lost our Accept) refreshes the uri and keeps the row; an accepted one is re-accepted.
  await notifyAndCommit(
    ctx,
    [
      d1
        .prepare(
          `INSERT INTO follows (id, account_id, target_account_id, uri, state) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (account_id, target_account_id) DO UPDATE SET uri = excluded.uri`,
        )
        .bind(followId, ctx.actorId, target.id, uri, state),
    ],
    [{ accountId: target.id, fromAccountId: ctx.actorId, type: state === 'pending' ? 'follow_request' : 'follow', key: `follow:${uri}` }],
  )
  const row = await ctx.db.selectFrom('follows').select(['id', 'state']).where('account_id', '=', ctx.actorId).where('target_account_id', '=', target.id).executeTakeFirst()
  if (row?.state === 'accepted') {
    const accept: FederateMessage = { type: 'federate', action: 'accept-follow', actorId: target.id, objectId: row.id }
    await ctx.env.QUEUE.send(accept)
  }
}

/** Our Follow that the activity's object names: by its id, or by the embedded Follow's actor and object. */
async function ourFollow(ctx: InboxContext): Promise<{ id: string; account_id: string } | undefined> {
  const object = ctx.activity.object
  const followUri = idOf(object)
  let q = ctx.db.selectFrom('follows').select(['follows.id', 'follows.account_id']).where('target_account_id', '=', ctx.actorId)
  if (followUri) {
    const byUri = await q.where('uri', '=', followUri).executeTakeFirst()
    if (byUri) return byUri
  }
  const embedded = record(object)
  const follower = await localAccountByUri(ctx.db, idOf(embedded?.actor))
  if (!follower || idOf(embedded?.object) !== ctx.actorUri) return undefined
  q = q.where('account_id', '=', follower.id)
  return q.executeTakeFirst()
}

export async function onAccept(ctx: InboxContext): Promise<void> {
  const follow = await ourFollow(ctx)
  if (!follow) return
  await ctx.db.updateTable('follows').set({ state: 'accepted' }).where('id', '=', follow.id).where('state', '=', 'pending').execute()
}

export async function onReject(ctx: InboxContext): Promise<void> {
  const follow = await ourFollow(ctx)
  if (!follow) return
  await ctx.db.deleteFrom('follows').where('id', '=', follow.id).execute()
  await removeAuthorFromHomeFeed(ctx.db, follow.account_id, ctx.actorId)
}

/** The local status an activity's object names, or a remote one we store on the way (for Announce). */
async function statusOf(ctx: InboxContext, object: unknown, fetchMissing: boolean): Promise<{ id: string; account_id: string } | undefined> {
  const uri = idOf(object)
  if (!uri) return undefined
  const known = await ctx.db.selectFrom('statuses').select(['id', 'account_id']).where('uri', '=', uri).executeTakeFirst()
  if (known || !fetchMissing || sameOrigin(uri, ctx.localOrigin)) return known
  // Never trust an embedded copy of someone else's note: fetch it from its origin.
  const { json } = await fetchObject(ctx.env, ctx.db, uri)
  const id = await storeRemoteNote(ctx.env, ctx.db, json, { localOrigin: ctx.localOrigin })
  return id ? ctx.db.selectFrom('statuses').select(['id', 'account_id']).where('id', '=', id).executeTakeFirst() : undefined
}

export async function onLike(ctx: InboxContext): Promise<void> {
  const status = await statusOf(ctx, ctx.activity.object, false)
  if (!status) return
  const uri = String(ctx.activity.id)
  await notifyAndCommit(
    ctx,
    [ctx.env.DB.prepare('INSERT OR IGNORE INTO favourites (id, account_id, status_id, uri) VALUES (?, ?, ?, ?)').bind(newId(), ctx.actorId, status.id, uri)],
    [{ accountId: status.account_id, fromAccountId: ctx.actorId, type: 'favourite', statusId: status.id, key: `favourite:${uri}` }],
  )
}

export async function onAnnounce(ctx: InboxContext): Promise<void> {
  const original = await statusOf(ctx, ctx.activity.object, true)
  if (!original) return
  const original_ = await ctx.db.selectFrom('statuses').select(['visibility']).where('id', '=', original.id).executeTakeFirstOrThrow()
  // Followers-only and direct posts cannot be boosted.
  if (original_.visibility === 'private' || original_.visibility === 'direct') return
  const uri = String(ctx.activity.id)
  const actor = await ctx.db.selectFrom('accounts').select('followers_url').where('id', '=', ctx.actorId).executeTakeFirstOrThrow()
  const reblogId = newId()
  const visibility = visibilityOf({ ...ctx.activity, attributedTo: ctx.actorUri }, actor.followers_url)
  const results = await notifyAndCommit(
    ctx,
    [
      ctx.env.DB.prepare(
        `INSERT OR IGNORE INTO statuses (id, uri, url, account_id, local, reblog_of_id, visibility, created_at)
         VALUES (?, ?, ?, ?, 0, ?, ?, ?)`,
      ).bind(reblogId, uri, uri, ctx.actorId, original.id, visibility === 'direct' ? 'unlisted' : visibility, dateOf(ctx.activity.published, new Date().toISOString())),
    ],
    [{ accountId: original.account_id, fromAccountId: ctx.actorId, type: 'reblog', statusId: original.id, key: `reblog:${uri}` }],
  )
  if ((results[0]?.meta.changes ?? 0) > 0) {
    await fanOutToHomeFeeds(ctx.db, reblogId)
    await publishStatus(ctx.env, ctx.db, reblogId, 'update')
  }
}

export async function onBlock(ctx: InboxContext): Promise<void> {
  const target = await localAccountByUri(ctx.db, idOf(ctx.activity.object))
  if (!target) return
  const d1 = ctx.env.DB
  await d1.batch([
    d1.prepare('INSERT OR IGNORE INTO blocks (id, account_id, target_account_id, uri) VALUES (?, ?, ?, ?)').bind(newId(), ctx.actorId, target.id, String(ctx.activity.id)),
    d1.prepare('DELETE FROM follows WHERE (account_id = ?1 AND target_account_id = ?2) OR (account_id = ?2 AND target_account_id = ?1)').bind(ctx.actorId, target.id),
  ])
  await removeAuthorFromHomeFeed(ctx.db, target.id, ctx.actorId)
}

/** Undo of the actor's own Follow, Like, Announce or Block, found by the undone activity's id (or its embedded shape). */
export async function onUndo(ctx: InboxContext): Promise<void> {
  const object = ctx.activity.object
  const uri = idOf(object)
  const embedded = record(object)
  const type = typeOf(object)
  const d1 = ctx.env.DB
  const byUri = (table: 'follows' | 'favourites' | 'blocks') => (uri ? d1.prepare(`DELETE FROM ${table} WHERE uri = ? AND account_id = ?`).bind(uri, ctx.actorId) : null)
  const statements: (D1PreparedStatement | null)[] = []
  if (type === null || type === 'Follow') {
    statements.push(byUri('follows'))
    const target = await localAccountByUri(ctx.db, idOf(embedded?.object))
    if (type === 'Follow' && target) statements.push(d1.prepare('DELETE FROM follows WHERE account_id = ? AND target_account_id = ?').bind(ctx.actorId, target.id))
  }
  if (type === null || type === 'Like') {
    statements.push(byUri('favourites'))
    const status = type === 'Like' ? await statusOf(ctx, embedded?.object, false) : undefined
    if (status) statements.push(d1.prepare('DELETE FROM favourites WHERE account_id = ? AND status_id = ?').bind(ctx.actorId, status.id))
  }
  let unboosted: { id: string; audience: StatusAudience | null } | null = null
  if ((type === null || type === 'Announce') && uri) {
    const reblog = await ctx.db.selectFrom('statuses').select('id').where('uri', '=', uri).where('account_id', '=', ctx.actorId).where('reblog_of_id', 'is not', null).executeTakeFirst()
    if (reblog) unboosted = { id: reblog.id, audience: await statusAudience(ctx.db, reblog.id) }
    statements.push(d1.prepare('DELETE FROM statuses WHERE uri = ? AND account_id = ? AND reblog_of_id IS NOT NULL').bind(uri, ctx.actorId))
  }
  if (type === null || type === 'Block') {
    statements.push(byUri('blocks'))
    const target = await localAccountByUri(ctx.db, idOf(embedded?.object))
    if (type === 'Block' && target) statements.push(d1.prepare('DELETE FROM blocks WHERE account_id = ? AND target_account_id = ?').bind(ctx.actorId, target.id))
  }
  const ready = statements.filter((s): s is D1PreparedStatement => s !== null)
  if (ready.length) await d1.batch(ready)
  if (unboosted?.audience) await publishDelete(ctx.env, unboosted.id, unboosted.audience)
}

/** Update of the actor itself: store the new document (it came signed by the actor). */
export async function onUpdateActor(ctx: InboxContext, object: Json): Promise<void> {
  if (object.id !== ctx.actorUri) return
  await upsertActor(ctx.env, ctx.db, object)
}

/** Delete of the actor itself: the remote account and everything it stored here go. */
export async function onDeleteActor(ctx: InboxContext): Promise<void> {
  const d1 = ctx.env.DB
  const key = await ctx.db.selectFrom('accounts').select('key_id').where('id', '=', ctx.actorId).executeTakeFirst()
  await d1.batch([
    d1.prepare('INSERT OR IGNORE INTO tombstones (uri) VALUES (?)').bind(ctx.actorUri),
    d1.prepare("DELETE FROM accounts WHERE id = ? AND domain <> ''").bind(ctx.actorId),
  ])  // Its key must stop verifying at the inbox before this message is acked.
  await invalidateActorKeys(ctx.env, [key?.key_id])
}

/** Move: the actor says it moved to `target`, which must list it in alsoKnownAs. Recorded on the account. */
export async function onMove(ctx: InboxContext): Promise<void> {
  const targetUri = idOf(ctx.activity.target)
  if (idOf(ctx.activity.object) !== ctx.actorUri || !targetUri) return
  // Moves to a local account would need its alsoKnownAs, which local accounts do not have yet.
  if (sameOrigin(targetUri, ctx.localOrigin)) return
  const { json } = await fetchObject(ctx.env, ctx.db, targetUri)
  const aka = Array.isArray(json.alsoKnownAs) ? json.alsoKnownAs : [json.alsoKnownAs]
  if (json.id !== targetUri || !aka.includes(ctx.actorUri)) return
  const targetId = await upsertActor(ctx.env, ctx.db, json)
  await ctx.db.updateTable('accounts').set({ moved_to_account_id: targetId }).where('id', '=', ctx.actorId).execute()
}
