// The consumer side of the inbox: each verified activity is handled once (processed_activities, keyed on the
// activity id), by type. Failures throw, so the queue retries; an activity is marked done only after its effects
// are stored.
import { database, type Db } from '../../db/client'
import type { Env } from '../../env'
import type { InboxMessage } from '../../queue/messages'
import { ACTOR_TYPES, fetchActor, InvalidRemoteObject } from '../actors'
import { deleteRemoteNote, NOTE_TYPES, storeRemoteNote, updateRemoteNote } from './notes'
import { idOf, record, typeOf, type Json } from './read'
import { receiveVote } from '../../polls/inbound'
import { onAccept, onAnnounce, onBlock, onDeleteActor, onFollow, onLike, onMove, onReject, onUndo, onUpdateActor, type InboxContext } from './social'


async function activityOf(env: Env, message: InboxMessage): Promise<Json | null> {
  if (message.activity) return message.activity
  if (!message.activityKey) return null
  const text = await env.KV.get(message.activityKey)
  if (text === null) return null
  return record(JSON.parse(text))
}

async function alreadyProcessed(db: Db, uri: string): Promise<boolean> {
  return (await db.selectFrom('processed_activities').select('uri').where('uri', '=', uri).executeTakeFirst()) !== undefined
}

async function handle(ctx: InboxContext, type: string): Promise<void> {
  const object = record(ctx.activity.object)
  switch (type) {
    case 'Follow':
      return onFollow(ctx)
    case 'Accept':
      return onAccept(ctx)
    case 'Reject':
      return onReject(ctx)
    case 'Undo':
      return onUndo(ctx)
    case 'Like':
      return onLike(ctx)
    case 'Announce':
      return onAnnounce(ctx)
    case 'Block':
      return onBlock(ctx)
    case 'Move':
      return onMove(ctx)
    case 'Create':
      if (object && NOTE_TYPES.has(typeOf(object) ?? '')) {
        // A vote on one of our polls is counted, not stored as a reply.
        if (typeOf(object) === 'Note' && (await receiveVote(ctx.env, ctx.db, object, ctx.actorUri, ctx.actorId))) return
        await storeRemoteNote(ctx.env, ctx.db, object, { localOrigin: ctx.localOrigin, actor: ctx.actorUri })
      }
      return
    case 'Update':
      if (!object) return
      if (ACTOR_TYPES.has(typeOf(object) ?? '')) return onUpdateActor(ctx, object)
      if (NOTE_TYPES.has(typeOf(object) ?? '')) return updateRemoteNote(ctx.env, ctx.db, object, ctx.actorId)
      return
    case 'Delete': {
      const uri = idOf(ctx.activity.object)
      if (!uri) return
      if (uri === ctx.actorUri) return onDeleteActor(ctx)
      return deleteRemoteNote(ctx.env, uri, ctx.actorUri, ctx.actorId)
    }
    default:
      // Add, Remove, Flag, EmojiReact, …: not handled yet; acknowledged so peers do not retry.
      return
  }
}

export async function processInbox(env: Env, message: InboxMessage): Promise<void> {
  const activity = await activityOf(env, message)
  if (!activity) return
  const id = idOf(activity)
  const type = typeOf(activity)
  const actorUri = idOf(activity.actor)
  // The intake bound the signer to this actor; a message whose actor differs was not made by the intake.
  if (!id || !type || !actorUri || actorUri !== message.signer) return
  const db = database(env.DB)
  if (await alreadyProcessed(db, id)) return
  try {
    let actorId: string | null
    if (type === 'Delete' && idOf(activity.object) === actorUri) {
      // A deleted actor's document is gone (410): use what is stored, and do nothing if nothing is.
      const stored = await db.selectFrom('accounts').select('id').where('uri', '=', actorUri).where('domain', '<>', '').executeTakeFirst()
      actorId = stored?.id ?? null
      if (actorId === null) return
    } else {
      actorId = await fetchActor(env, db, actorUri, { localOrigin: message.origin })
    }
    await handle({ env, db, activity, actorUri, actorId, localOrigin: message.origin }, type)
  } catch (err) {
    // What can never be accepted is recorded as handled; anything else (a peer down, D1 busy) is retried.
    if (!(err instanceof InvalidRemoteObject)) throw err
    console.warn(`inbox: ${type} ${id} refused: ${err.message}`)
  }
  await db.insertInto('processed_activities').values({ uri: id, type }).onConflict((oc) => oc.column('uri').doNothing()).execute()
  if (message.activityKey) await env.KV.delete(message.activityKey)
}
