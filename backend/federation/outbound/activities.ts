// The activity each federated local action sends, and whom it goes to. Everything is read from D1 by the
// ids in the FederateMessage; ids of activities are derived from stored rows, so a retry sends the same id.
import type { Db } from '../../db/client'
import type { AccountRow } from '../../mastodon/account'
import type { FederateMessage } from '../../queue/messages'
import { localActivityUri } from '../activity-ids'
import { instanceActorUri } from '../instance-actor'
import { pollTitles } from '../../polls/render'
import { AP_CONTEXT, AS_PUBLIC, actorUrls, localNote, renderAnnounce, renderCreate, renderPerson, type ApObject } from '../objects'

export interface Outbound {
  /** The activity with its @context: exactly what is POSTed. */
  activity: ApObject & { id: string }
  /** Also deliver to the actor's followers (collapsed to shared inboxes). */
  toFollowers: boolean
  /** Accounts addressed directly; local ones are ignored by delivery. */
  accountIds: string[]
  /** Signed by the instance actor instead of the acting account (reports keep the reporter anonymous). */
  signAs?: 'instance'
}

/** Ids of activities that exist only as a reaction to another one (an Undo, an Accept): derived from it. */
export const undoUri = (activityUri: string) => `${activityUri}/undo`
const acceptUri = (actorUri: string, followId: string) => `${actorUri}#accepts/follows/${followId}`
const updateUri = (objectUri: string, at: string) => `${objectUri}#updates/${Date.parse(at) || at}`

async function rejectUri(actorUri: string, followUri: string): Promise<string> {
  // The Follow was remote and its row is gone: a digest of its id keeps ours stable and short.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(followUri)))
  return `${actorUri}#rejects/${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

function activity(fields: ApObject & { id: string; type: string; actor: string }): Outbound['activity'] {
  return { '@context': AP_CONTEXT, ...fields }
}

function withoutContext(object: ApObject): ApObject {
  const { '@context': _context, ...rest } = object
  return rest
}

async function accountUris(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  return (await db.selectFrom('accounts').select('uri').where('id', 'in', ids).execute()).map((r) => r.uri)
}

async function remoteMentions(db: Db, statusId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('status_mentions')
    .innerJoin('accounts', 'accounts.id', 'status_mentions.account_id')
    .select('accounts.id')
    .where('status_mentions.status_id', '=', statusId)
    .where('accounts.domain', '!=', '')
    .execute()
  return rows.map((r) => r.id)
}

/** Public addressing for activities about something already sent: to Public, cc followers and the parties. */
function broadAddressing(actorUri: string, partyUris: string[]): { to: string[]; cc: string[] } {
  return { to: [AS_PUBLIC], cc: [actorUrls(actorUri).followers, ...partyUris] }
}

async function noteActivity(db: Db, actor: AccountRow, statusId: string, kind: 'create' | 'update'): Promise<Outbound | null> {
  const note = await localNote(db, statusId, new URL(actor.uri).origin)
  if (note === null || note.attributedTo !== actor.uri) return null
  const visibility = (await db.selectFrom('statuses').select('visibility').where('id', '=', statusId).executeTakeFirstOrThrow()).visibility
  const accountIds = await remoteMentions(db, statusId)
  const toFollowers = visibility !== 'direct'
  if (kind === 'create') {
    const create = renderCreate(note)
    return { activity: { ...create, id: String(create.id) }, toFollowers, accountIds }
  }
  let at = String(note.updated ?? note.published)
  if (note.type === 'Question') {
    // New counts or the closing are an Update too: named after the poll's last change, so each is sent once.
    const poll = await db.selectFrom('polls').select('updated_at').where('status_id', '=', statusId).executeTakeFirst()
    if (poll && poll.updated_at > at) at = poll.updated_at
  }
  return {
    activity: activity({ id: updateUri(String(note.id), at), type: 'Update', actor: actor.uri, published: at, to: note.to, cc: note.cc, object: withoutContext(note) }),
    toFollowers,
    accountIds,
  }
}

/**
 * Builds the activity for a federate message, or null when there is nothing to send: the row it names is
 * gone (a later action superseded it), or the action involves no remote party.
 */
export async function buildOutbound(db: Db, msg: FederateMessage): Promise<Outbound | null> {
  const actor = await db.selectFrom('accounts').selectAll().where('id', '=', msg.actorId).where('domain', '=', '').executeTakeFirst()
  if (actor === undefined) return null
  const targets = msg.targetAccountIds ?? []
  switch (msg.action) {
    case 'create':
    case 'update':
      return msg.objectId === undefined ? null : noteActivity(db, actor, msg.objectId, msg.action)

    case 'delete': {
      if (msg.objectUri === undefined) return null
      const parties = await accountUris(db, targets)
      return {
        activity: activity({ id: `${msg.objectUri}#delete`, type: 'Delete', actor: actor.uri, ...broadAddressing(actor.uri, parties), object: { id: msg.objectUri, type: 'Tombstone' } }),
        toFollowers: true,
        accountIds: targets,
      }
    }

    case 'announce': {
      if (msg.objectId === undefined) return null
      const row = await db
        .selectFrom('statuses as reblog')
        .innerJoin('statuses as original', 'original.id', 'reblog.reblog_of_id')
        .innerJoin('accounts as author', 'author.id', 'original.account_id')
        .selectAll('reblog')
        .select(['original.uri as original_uri', 'author.uri as author_uri', 'author.id as author_id'])
        .where('reblog.id', '=', msg.objectId)
        .where('reblog.account_id', '=', actor.id)
        .executeTakeFirst()
      if (row === undefined) return null
      const announce = renderAnnounce(row, actor.uri, row.original_uri, row.author_uri)
      return { activity: { ...announce, id: String(announce.id) }, toFollowers: true, accountIds: [row.author_id] }
    }

    case 'like': {
      if (msg.objectId === undefined) return null
      const row = await db
        .selectFrom('favourites')
        .innerJoin('statuses', 'statuses.id', 'favourites.status_id')
        .innerJoin('accounts as author', 'author.id', 'statuses.account_id')
        .select(['favourites.id', 'favourites.uri', 'statuses.uri as status_uri', 'author.uri as author_uri', 'author.id as author_id', 'author.domain as author_domain'])
        .where('favourites.id', '=', msg.objectId)
        .where('favourites.account_id', '=', actor.id)
        .executeTakeFirst()
      if (row === undefined || row.author_domain === '') return null
      return {
        activity: activity({ id: row.uri ?? localActivityUri(actor.uri, 'likes', row.id), type: 'Like', actor: actor.uri, to: [row.author_uri], object: row.status_uri }),
        toFollowers: false,
        accountIds: [row.author_id],
      }
    }

    case 'follow':
    case 'block': {
      if (msg.objectId === undefined) return null
      const table = msg.action === 'follow' ? 'follows' : 'blocks'
      const row = await db
        .selectFrom(table)
        .innerJoin('accounts as target', 'target.id', `${table}.target_account_id`)
        .select([`${table}.id as id`, `${table}.uri as uri`, 'target.uri as target_uri', 'target.id as target_id', 'target.domain as target_domain'])
        .where(`${table}.id`, '=', msg.objectId)
        .where(`${table}.account_id`, '=', actor.id)
        .executeTakeFirst()
      if (row === undefined || row.target_domain === '') return null
      const id = row.uri ?? localActivityUri(actor.uri, msg.action === 'follow' ? 'follows' : 'blocks', row.id)
      return {
        activity: activity({ id, type: msg.action === 'follow' ? 'Follow' : 'Block', actor: actor.uri, to: [row.target_uri], object: row.target_uri }),
        toFollowers: false,
        accountIds: [row.target_id],
      }
    }

    case 'undo-follow':
    case 'undo-block':
    case 'undo-like':
    case 'undo-announce': {
      if (msg.activityUri === undefined) return null
      const parties = await accountUris(db, targets)
      const type = { 'undo-follow': 'Follow', 'undo-block': 'Block', 'undo-like': 'Like', 'undo-announce': 'Announce' }[msg.action]
      // Follow and Block are about an actor (the target); Like and Announce about an object.
      const object = msg.action === 'undo-follow' || msg.action === 'undo-block' ? parties[0] : msg.objectUri
      if (object === undefined) return null
      const announce = msg.action === 'undo-announce'
      return {
        activity: activity({
          id: undoUri(msg.activityUri),
          type: 'Undo',
          actor: actor.uri,
          ...(announce ? broadAddressing(actor.uri, parties) : { to: parties }),
          object: { id: msg.activityUri, type, actor: actor.uri, object },
        }),
        toFollowers: announce,
        accountIds: targets,
      }
    }

    case 'accept-follow': {
      if (msg.objectId === undefined) return null
      const row = await db
        .selectFrom('follows')
        .innerJoin('accounts as follower', 'follower.id', 'follows.account_id')
        .select(['follows.id', 'follows.uri', 'follower.uri as follower_uri', 'follower.id as follower_id', 'follower.domain as follower_domain'])
        .where('follows.id', '=', msg.objectId)
        .where('follows.target_account_id', '=', actor.id)
        .where('follows.state', '=', 'accepted')
        .executeTakeFirst()
      if (row === undefined || row.follower_domain === '') return null
      return {
        activity: activity({
          id: acceptUri(actor.uri, row.id),
          type: 'Accept',
          actor: actor.uri,
          to: [row.follower_uri],
          object: { ...(row.uri ? { id: row.uri } : {}), type: 'Follow', actor: row.follower_uri, object: actor.uri },
        }),
        toFollowers: false,
        accountIds: [row.follower_id],
      }
    }

    case 'reject-follow': {
      if (msg.activityUri === undefined) return null
      const [follower] = await accountUris(db, targets)
      if (follower === undefined) return null
      return {
        activity: activity({
          id: await rejectUri(actor.uri, msg.activityUri),
          type: 'Reject',
          actor: actor.uri,
          to: [follower],
          object: { id: msg.activityUri, type: 'Follow', actor: follower, object: actor.uri },
        }),
        toFollowers: false,
        accountIds: targets,
      }
    }

    case 'flag': {
      if (msg.objectId === undefined) return null
      const report = await db
        .selectFrom('reports')
        .innerJoin('accounts as target', 'target.id', 'reports.target_account_id')
        .select(['reports.id', 'reports.status_ids', 'reports.comment', 'target.uri as target_uri', 'target.id as target_id', 'target.domain as target_domain'])
        .where('reports.id', '=', msg.objectId)
        .where('reports.account_id', '=', actor.id)
        .where('reports.forwarded', '=', 1)
        .executeTakeFirst()
      if (report === undefined || report.target_domain === '') return null
      let statusIds: string[] = []
      try {
        const parsed: unknown = JSON.parse(report.status_ids)
        if (Array.isArray(parsed)) statusIds = parsed.map(String)
      } catch {
        statusIds = []
      }
      const statuses = statusIds.length ? await db.selectFrom('statuses').select('uri').where('id', 'in', statusIds).execute() : []
      const instanceActor = instanceActorUri(new URL(actor.uri).origin)
      return {
        activity: activity({
          id: `${instanceActor}#flags/${report.id}`,
          type: 'Flag',
          actor: instanceActor,
          content: report.comment,
          object: [report.target_uri, ...statuses.map((st) => st.uri)],
        }),
        toFollowers: false,
        accountIds: [report.target_id],
        signAs: 'instance',
      }
    }

    case 'vote': {
      if (msg.objectId === undefined) return null
      const row = await db
        .selectFrom('poll_votes')
        .innerJoin('polls', 'polls.id', 'poll_votes.poll_id')
        .innerJoin('statuses', 'statuses.id', 'polls.status_id')
        .innerJoin('accounts as author', 'author.id', 'polls.account_id')
        .select(['poll_votes.id', 'poll_votes.choice', 'polls.options', 'statuses.uri as question_uri', 'author.uri as author_uri', 'author.id as author_id', 'author.domain as author_domain'])
        .where('poll_votes.id', '=', msg.objectId)
        .where('poll_votes.account_id', '=', actor.id)
        .executeTakeFirst()
      if (row === undefined || row.author_domain === '') return null
      const name = pollTitles(row)[row.choice]
      if (name === undefined) return null
      // Only the poll's author hears of a vote: it is addressed to them alone.
      const noteId = `${actor.uri}#votes/${row.id}`
      return {
        activity: activity({
          id: `${noteId}/activity`,
          type: 'Create',
          actor: actor.uri,
          to: [row.author_uri],
          object: { id: noteId, type: 'Note', name, attributedTo: actor.uri, to: [row.author_uri], inReplyTo: row.question_uri },
        }),
        toFollowers: false,
        accountIds: [row.author_id],
      }
    }

    case 'update-actor': {
      const person = withoutContext(renderPerson(actor, new URL(actor.uri).origin))
      return {
        activity: activity({ id: updateUri(actor.uri, actor.updated_at), type: 'Update', actor: actor.uri, ...broadAddressing(actor.uri, []), object: person }),
        toFollowers: true,
        accountIds: [],
      }
    }
  }
}
