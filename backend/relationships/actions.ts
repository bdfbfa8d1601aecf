import type { Db } from '../db/client'
import type { Env } from '../env'
import { newId } from '../ids'
import { HttpError, notFound, unprocessable } from '../http/errors'
import { accountById } from '../accounts/read'
import { isLocal, type AccountRow } from '../mastodon/account'
import { localActivityUri } from '../federation/activity-ids'
import { federate } from '../statuses/federate'
import { notificationStatements, notificationsCommitted } from '../notifications/create'
import { mergeIntoHomeFeed, removeAuthorFromHomeFeed } from '../timelines/queries'
import { blockedEitherWay } from './visibility'

/**
 * Follows, blocks and mutes between the signed-in account and another one. Every change that
 * touches more than one row is one D1 batch (one transaction); federation happens afterwards,
 * through `federate` queue messages that carry ids only.
 */
export interface ActionContext {
  /** The request's environment, with DB the request's metered connection. */
  env: Pick<Env, 'DB' | 'QUEUE'>
  db: Db
  viewerId: string
}

/** The viewer and the account acted on: 404 for an unknown account, 422 for oneself. */
async function parties(ctx: ActionContext, targetId: string): Promise<{ viewer: AccountRow; target: AccountRow }> {
  const [viewer, target] = await Promise.all([accountById(ctx.db, ctx.viewerId), accountById(ctx.db, targetId)])
  if (target === null) throw notFound()
  if (viewer === null) throw new Error(`signed-in account ${ctx.viewerId} has no row`)
  if (target.id === viewer.id) throw unprocessable('You cannot do this to yourself')
  return { viewer, target }
}

async function followRow(db: Db, followerId: string, targetId: string) {
  return db.selectFrom('follows').selectAll().where('account_id', '=', followerId).where('target_account_id', '=', targetId).executeTakeFirst()
}

export interface FollowOptions {
  /** Show the account's reblogs in home (default true for a new follow). */
  reblogs: boolean | undefined
  /** Notify on each of the account's posts (default false for a new follow). */
  notify: boolean | undefined
}

/**
 * POST /api/v1/accounts/:id/follow. A local account that is not locked is followed at once and
 * its recent posts join the home timeline; a locked one gets a follow request. A remote account
 * gets a Follow through the queue and the row stays pending until its Accept arrives. Following
 * again only updates the options.
 */
export async function follow(ctx: ActionContext, targetId: string, options: FollowOptions): Promise<void> {
  const { viewer, target } = await parties(ctx, targetId)
  if (await blockedEitherWay(ctx.db, viewer.id, target.id)) throw new HttpError(403, 'This action is not allowed')
  const existing = await followRow(ctx.db, viewer.id, target.id)
  if (existing) {
    if (options.reblogs === undefined && options.notify === undefined) return
    await ctx.db
      .updateTable('follows')
      .set({
        ...(options.reblogs !== undefined ? { show_reblogs: options.reblogs ? 1 : 0 } : {}),
        ...(options.notify !== undefined ? { notify: options.notify ? 1 : 0 } : {}),
      })
      .where('id', '=', existing.id)
      .execute()
    return
  }
  const id = newId()
  const local = isLocal(target)
  const state = local && target.locked !== 1 ? 'accepted' : 'pending'
  const uri = local ? null : localActivityUri(viewer.uri, 'follows', id)
  const insert = ctx.env.DB.prepare(
    // OR IGNORE: two racing follows leave one row, as follows_pair demands.
    'INSERT OR IGNORE INTO follows (id, account_id, target_account_id, uri, state, show_reblogs, notify) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).bind(id, viewer.id, target.id, uri, state, options.reblogs === false ? 0 : 1, options.notify === true ? 1 : 0)
  const notices = local
    ? notificationStatements(ctx.env.DB, [{ accountId: target.id, fromAccountId: viewer.id, type: state === 'accepted' ? 'follow' : 'follow_request', key: `follow:${id}` }])
    : { statements: [], ids: [] }
  await ctx.env.DB.batch([insert, ...notices.statements])
  if (state === 'accepted') await mergeIntoHomeFeed(ctx.db, viewer.id, target.id)
  await notificationsCommitted(ctx.env, notices.ids)
  // A local follow sends no activity, but goes through the consumer too: it projects follows of
  // bridged accounts into the follower's AT Protocol repository.
  await federate(ctx.env, { action: 'follow', actorId: viewer.id, objectId: id })
}

/** A request withdrawn or rejected is no longer something to act on: its notification goes (found by its dedupe key). */
function withdrawnRequestNotice(d1: D1Database, targetId: string, followId: string): D1PreparedStatement {
  return d1.prepare("DELETE FROM notifications WHERE account_id = ? AND dedupe_key = ? AND type = 'follow_request'").bind(targetId, `follow:${followId}`)
}

/** POST /api/v1/accounts/:id/unfollow: also withdraws a pending request. */
export async function unfollow(ctx: ActionContext, targetId: string): Promise<void> {
  const { viewer, target } = await parties(ctx, targetId)
  const row = await followRow(ctx.db, viewer.id, target.id)
  if (!row) return
  await ctx.env.DB.batch([
    ctx.env.DB.prepare('DELETE FROM follows WHERE id = ?').bind(row.id),
    withdrawnRequestNotice(ctx.env.DB, target.id, row.id),
  ])
  await removeAuthorFromHomeFeed(ctx.db, viewer.id, target.id)
  // Local follows have no activity id of their own: the one projection keys them by stands in.
  const activityUri = row.uri ?? localActivityUri(viewer.uri, 'follows', row.id)
  await federate(ctx.env, { action: 'undo-follow', actorId: viewer.id, activityUri, targetAccountIds: [target.id] })
}

/**
 * POST /api/v1/accounts/:id/block: ends follows both ways and removes each one's posts from the
 * other's home timeline, in one transaction with the block itself.
 */
export async function block(ctx: ActionContext, targetId: string): Promise<void> {
  const { viewer, target } = await parties(ctx, targetId)
  const existing = await ctx.db.selectFrom('blocks').select('id').where('account_id', '=', viewer.id).where('target_account_id', '=', target.id).executeTakeFirst()
  if (existing) return
  const outgoing = await followRow(ctx.db, viewer.id, target.id)
  const id = newId()
  const local = isLocal(target)
  const incoming = local ? await followRow(ctx.db, target.id, viewer.id) : undefined
  const db = ctx.env.DB
  await db.batch([
    db.prepare('DELETE FROM follows WHERE (account_id = ?1 AND target_account_id = ?2) OR (account_id = ?2 AND target_account_id = ?1)').bind(viewer.id, target.id),
    db.prepare('DELETE FROM home_feed WHERE account_id = ? AND author_id = ?').bind(viewer.id, target.id),
    db.prepare('DELETE FROM home_feed WHERE account_id = ? AND author_id = ?').bind(target.id, viewer.id),
    db.prepare('INSERT OR IGNORE INTO blocks (id, account_id, target_account_id, uri) VALUES (?, ?, ?, ?)').bind(id, viewer.id, target.id, local ? null : localActivityUri(viewer.uri, 'blocks', id)),
  ])
  if (outgoing) {
    const activityUri = outgoing.uri ?? localActivityUri(viewer.uri, 'follows', outgoing.id)
    await federate(ctx.env, { action: 'undo-follow', actorId: viewer.id, activityUri, targetAccountIds: [target.id] })
  }
  if (!local) await federate(ctx.env, { action: 'block', actorId: viewer.id, objectId: id })
  // The blocked local account's follow is gone too: its projection (if bridged) goes with it.
  if (incoming) await federate(ctx.env, { action: 'undo-follow', actorId: target.id, activityUri: localActivityUri(target.uri, 'follows', incoming.id), targetAccountIds: [viewer.id] })
}

export async function unblock(ctx: ActionContext, targetId: string): Promise<void> {
  const { viewer, target } = await parties(ctx, targetId)
  const row = await ctx.db.selectFrom('blocks').selectAll().where('account_id', '=', viewer.id).where('target_account_id', '=', target.id).executeTakeFirst()
  if (!row) return
  await ctx.db.deleteFrom('blocks').where('id', '=', row.id).execute()
  if (!isLocal(target) && row.uri !== null) await federate(ctx.env, { action: 'undo-block', actorId: viewer.id, activityUri: row.uri, targetAccountIds: [target.id] })
}

export interface MuteOptions {
  /** Also hide notifications from the account (default true). */
  notifications: boolean
  /** Seconds until the mute ends; null or 0 for indefinitely. */
  duration: number | null
}

/** POST /api/v1/accounts/:id/mute: muting again updates the options. Local only; it never federates. */
export async function mute(ctx: ActionContext, targetId: string, options: MuteOptions, now = Date.now()): Promise<void> {
  const { viewer, target } = await parties(ctx, targetId)
  const expiresAt = options.duration ? new Date(now + options.duration * 1000).toISOString() : null
  const notifications = options.notifications ? 1 : 0
  await ctx.db
    .insertInto('mutes')
    .values({ id: newId(now), account_id: viewer.id, target_account_id: target.id, notifications, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['account_id', 'target_account_id']).doUpdateSet({ notifications, expires_at: expiresAt }))
    .execute()
  await removeAuthorFromHomeFeed(ctx.db, viewer.id, target.id)
}

export async function unmute(ctx: ActionContext, targetId: string): Promise<void> {
  const { viewer, target } = await parties(ctx, targetId)
  await ctx.db.deleteFrom('mutes').where('account_id', '=', viewer.id).where('target_account_id', '=', target.id).execute()
}

/** POST /api/v1/accounts/:id/remove_from_followers: a remote follower is told with a Reject. */
export async function removeFromFollowers(ctx: ActionContext, followerId: string): Promise<void> {
  const { viewer, target: follower } = await parties(ctx, followerId)
  const row = await followRow(ctx.db, follower.id, viewer.id)
  if (!row) return
  await ctx.db.deleteFrom('follows').where('id', '=', row.id).execute()
  await removeAuthorFromHomeFeed(ctx.db, follower.id, viewer.id)
  if (!isLocal(follower) && row.uri !== null) await federate(ctx.env, { action: 'reject-follow', actorId: viewer.id, activityUri: row.uri, targetAccountIds: [follower.id] })
  // A local follower's follow ended: its projection (if bridged) goes, as if it had unfollowed.
  if (isLocal(follower)) await federate(ctx.env, { action: 'undo-follow', actorId: follower.id, activityUri: localActivityUri(follower.uri, 'follows', row.id), targetAccountIds: [viewer.id] })
}

async function pendingRequest(ctx: ActionContext, followerId: string) {
  const follower = await accountById(ctx.db, followerId)
  if (follower === null) throw notFound()
  const row = await ctx.db
    .selectFrom('follows')
    .selectAll()
    .where('account_id', '=', follower.id)
    .where('target_account_id', '=', ctx.viewerId)
    .where('state', '=', 'pending')
    .executeTakeFirst()
  if (!row) throw notFound()
  return { follower, row }
}

/** POST /api/v1/follow_requests/:account_id/authorize */
export async function authorizeFollowRequest(ctx: ActionContext, followerId: string): Promise<void> {
  const { follower, row } = await pendingRequest(ctx, followerId)
  await ctx.db.updateTable('follows').set({ state: 'accepted' }).where('id', '=', row.id).where('state', '=', 'pending').execute()
  if (isLocal(follower)) {
    await mergeIntoHomeFeed(ctx.db, follower.id, ctx.viewerId)
    // Now a follow: projected for a bridged follower, as their own action.
    await federate(ctx.env, { action: 'follow', actorId: follower.id, objectId: row.id })
  } else await federate(ctx.env, { action: 'accept-follow', actorId: ctx.viewerId, objectId: row.id })
}

/** POST /api/v1/follow_requests/:account_id/reject */
export async function rejectFollowRequest(ctx: ActionContext, followerId: string): Promise<void> {
  const { follower, row } = await pendingRequest(ctx, followerId)
  await ctx.env.DB.batch([ctx.env.DB.prepare('DELETE FROM follows WHERE id = ?').bind(row.id), withdrawnRequestNotice(ctx.env.DB, ctx.viewerId, row.id)])
  if (!isLocal(follower) && row.uri !== null) await federate(ctx.env, { action: 'reject-follow', actorId: ctx.viewerId, activityUri: row.uri, targetAccountIds: [follower.id] })
}
