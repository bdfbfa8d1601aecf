// Projection of local actions into the acting account's repository, run by the queue consumer after
// the action committed. Each action is read again from D1 by its ids, so a late or repeated message
// projects the current state; undos and deletes find their records through atproto_records.
import { database, type Db } from '../../db/client'
import type { Env } from '../../env'
import { localActivityUri, statusActivityUri } from '../../federation/activity-ids'
import type { AtprotoProjectMessage, FederateMessage } from '../../queue/messages'
import { projectPost, willProject } from './post'
import { ProjectionError, activeBridge, postRef, removeRecords, syncRecords, type Bridge, type ProjectionEnv, type StrongRef } from './records'

/** The federate actions that change a bridged account's repository. */
const PROJECTED: ReadonlySet<FederateMessage['action']> = new Set(['create', 'update', 'delete', 'announce', 'undo-announce', 'like', 'undo-like', 'follow', 'undo-follow'])

/**
 * Called for each local federate message: queues its projection when the actor is bridged. A
 * message of its own, so a projection that fails retries without redelivering to the fediverse.
 */
export async function enqueueProjection(env: Pick<Env, 'DB' | 'QUEUE'>, msg: FederateMessage): Promise<void> {
  if (!PROJECTED.has(msg.action)) return
  const bridged = await env.DB.prepare('SELECT 1 FROM atproto_accounts WHERE account_id = ? AND active = 1').bind(msg.actorId).first()
  if (bridged === null) return
  const message: AtprotoProjectMessage = {
    type: 'atproto-project',
    action: msg.action,
    actorId: msg.actorId,
    ...(msg.objectId !== undefined ? { objectId: msg.objectId } : {}),
    ...(msg.activityUri !== undefined ? { activityUri: msg.activityUri } : {}),
    ...(msg.objectUri !== undefined ? { objectUri: msg.objectUri } : {}),
  }
  await env.QUEUE.send(message, { contentType: 'json' })
}

/** The post a repost or like points at, or null when it is not (and will not be) in a repository. */
async function subjectOf(db: Db, status: { id: string; uri: string }): Promise<StrongRef | null> {
  const ref = await postRef(db, status.uri)
  if (ref !== null) return ref.first
  if (await willProject(db, status.id)) throw new ProjectionError(`status ${status.id} is not projected yet`)
  return null
}

async function projectRepost(env: ProjectionEnv, db: Db, bridge: Bridge, reblogId: string): Promise<void> {
  const row = await db
    .selectFrom('statuses as reblog')
    .innerJoin('statuses as original', 'original.id', 'reblog.reblog_of_id')
    .select(['reblog.uri', 'reblog.created_at', 'original.id as original_id', 'original.uri as original_uri'])
    .where('reblog.id', '=', reblogId)
    .where('reblog.account_id', '=', bridge.accountId)
    .executeTakeFirst()
  if (row === undefined) return
  const subject = await subjectOf(db, { id: row.original_id, uri: row.original_uri })
  if (subject === null) return
  const record = { $type: 'app.bsky.feed.repost', subject, createdAt: new Date(row.created_at).toISOString() }
  await syncRecords(env, db, bridge, { apId: statusActivityUri(row.uri), collection: 'app.bsky.feed.repost', statusId: reblogId, subjectUri: subject.uri }, 1, async () => [{ record }])
}

async function projectLike(env: ProjectionEnv, db: Db, bridge: Bridge, actorUri: string, favouriteId: string): Promise<void> {
  const row = await db
    .selectFrom('favourites')
    .innerJoin('statuses', 'statuses.id', 'favourites.status_id')
    .select(['favourites.id', 'favourites.uri', 'favourites.created_at', 'statuses.id as status_id', 'statuses.uri as status_uri'])
    .where('favourites.id', '=', favouriteId)
    .where('favourites.account_id', '=', bridge.accountId)
    .executeTakeFirst()
  if (row === undefined) return
  const subject = await subjectOf(db, { id: row.status_id, uri: row.status_uri })
  if (subject === null) return
  const record = { $type: 'app.bsky.feed.like', subject, createdAt: new Date(row.created_at).toISOString() }
  const apId = row.uri ?? localActivityUri(actorUri, 'likes', row.id)
  await syncRecords(env, db, bridge, { apId, collection: 'app.bsky.feed.like', statusId: row.status_id, subjectUri: subject.uri }, 1, async () => [{ record }])
}

async function projectFollow(env: ProjectionEnv, db: Db, bridge: Bridge, actorUri: string, followId: string): Promise<void> {
  const row = await db
    .selectFrom('follows')
    .innerJoin('atproto_accounts as target', 'target.account_id', 'follows.target_account_id')
    .select(['follows.id', 'follows.uri', 'follows.created_at', 'target.did'])
    .where('follows.id', '=', followId)
    .where('follows.account_id', '=', bridge.accountId)
    // A request to a locked account is not a follow yet.
    .where('follows.state', '=', 'accepted')
    .where('target.active', '=', 1)
    .executeTakeFirst()
  if (row === undefined) return
  const record = { $type: 'app.bsky.graph.follow', subject: row.did, createdAt: new Date(row.created_at).toISOString() }
  await syncRecords(env, db, bridge, { apId: row.uri ?? localActivityUri(actorUri, 'follows', row.id), collection: 'app.bsky.graph.follow' }, 1, async () => [{ record }])
}

export async function project(env: ProjectionEnv, msg: AtprotoProjectMessage): Promise<void> {
  const db = database(env.DB)
  // An account that opted out meanwhile: its repository stays as it was.
  const bridge = await activeBridge(db, msg.actorId)
  if (bridge === null) return
  const actor = await db.selectFrom('accounts').select('uri').where('id', '=', msg.actorId).where('domain', '=', '').executeTakeFirst()
  if (actor === undefined) return
  switch (msg.action) {
    case 'create':
    case 'update':
      if (msg.objectId !== undefined) await projectPost(env, db, bridge, msg.objectId)
      return
    case 'announce':
      if (msg.objectId !== undefined) await projectRepost(env, db, bridge, msg.objectId)
      return
    case 'like':
      if (msg.objectId !== undefined) await projectLike(env, db, bridge, actor.uri, msg.objectId)
      return
    case 'follow':
      if (msg.objectId !== undefined) await projectFollow(env, db, bridge, actor.uri, msg.objectId)
      return
    case 'delete':
      if (msg.objectUri !== undefined) await removeRecords(env, db, msg.objectUri, bridge.accountId)
      return
    case 'undo-announce':
    case 'undo-like':
    case 'undo-follow':
      if (msg.activityUri !== undefined) await removeRecords(env, db, msg.activityUri, bridge.accountId)
      return
    default:
      return
  }
}
