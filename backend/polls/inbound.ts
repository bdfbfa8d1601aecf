// Polls over ActivityPub, inbound: a remote Question's options and counts, and votes on local polls, which
// arrive as Notes named after an option and replying to the Question (Mastodon's way).
import type { Db } from '../db/client'
import type { Env } from '../env'
import { newId } from '../ids'
import { federate } from '../statuses/federate'
import { dateOf, idOf, record, str, typeOf, type Json } from '../federation/inbox/read'
import { pollTitles } from './render'

/** Bounds on what a remote Question may make us store. */
const MAX_REMOTE_OPTIONS = 20
const MAX_OPTION_CHARS = 500

export interface RemoteQuestion {
  options: string[]
  counts: number[]
  multiple: boolean
  expiresAt: string | null
  votersCount: number | null
  votesCount: number
}

/** The poll of a remote Question (oneOf: single choice, anyOf: multiple), or null if it has no options. */
export function questionOf(object: Json): RemoteQuestion | null {
  if (typeOf(object) !== 'Question') return null
  const multiple = Array.isArray(object.anyOf)
  const list = multiple ? (object.anyOf as unknown[]) : Array.isArray(object.oneOf) ? (object.oneOf as unknown[]) : []
  const options: string[] = []
  const counts: number[] = []
  for (const item of list.slice(0, MAX_REMOTE_OPTIONS)) {
    const o = record(item)
    const name = str(o?.name)
    if (!o || name === null) continue
    const total = record(o.replies)?.totalItems
    options.push(name.slice(0, MAX_OPTION_CHARS))
    counts.push(typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total : 0)
  }
  if (options.length === 0) return null
  const end = object.endTime ?? object.closed
  const voters = object.votersCount
  return {
    options,
    counts,
    multiple,
    expiresAt: typeof end === 'string' ? dateOf(end, '') || null : null,
    votersCount: typeof voters === 'number' && Number.isSafeInteger(voters) && voters >= 0 ? voters : null,
    votesCount: counts.reduce((a, b) => a + b, 0),
  }
}

/** The insert of a remote status' poll, for the batch that stores the status; nothing if that insert was ignored. */
export function remotePollStatement(d1: D1Database, pollId: string, statusId: string, authorId: string, q: RemoteQuestion): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO polls (id, status_id, account_id, expires_at, multiple, options, option_votes, votes_count, voters_count)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE EXISTS (SELECT 1 FROM statuses WHERE id = ?2 AND poll_id = ?1)`,
    )
    .bind(pollId, statusId, authorId, q.expiresAt, q.multiple ? 1 : 0, JSON.stringify(q.options), JSON.stringify(q.counts), q.votesCount, q.votersCount)
}

/** New counts (or options) of a remote poll from an Update of its Question. */
export function remotePollUpdate(d1: D1Database, statusId: string, q: RemoteQuestion): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE polls SET options = ?1, option_votes = ?2, votes_count = ?3, voters_count = ?4, expires_at = ?5, multiple = ?6,
              updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE status_id = ?7`,
    )
    .bind(JSON.stringify(q.options), JSON.stringify(q.counts), q.votesCount, q.votersCount, q.expiresAt, q.multiple ? 1 : 0, statusId)
}

/**
 * A Note with a `name`, replying to a local Question, is a vote, not a reply: counted once per actor and
 * option (the unique index; for a single-choice poll, only the actor's first vote), never stored as a
 * status. The poll's new counts go out to the author's audience as an Update. Returns false when the
 * object is not a vote on a local poll.
 */
export async function receiveVote(env: Pick<Env, 'DB' | 'QUEUE'>, db: Db, object: Json, actorUri: string, actorId: string): Promise<boolean> {
  const name = str(object.name)
  const inReplyTo = idOf(object.inReplyTo)
  if (name === null || inReplyTo === null) return false
  const poll = await db
    .selectFrom('statuses')
    .innerJoin('polls', 'polls.id', 'statuses.poll_id')
    .select(['polls.id', 'polls.options', 'polls.multiple', 'polls.status_id', 'polls.account_id'])
    .where('statuses.uri', '=', inReplyTo)
    .where('statuses.local', '=', 1)
    .executeTakeFirst()
  if (!poll) return false
  // Only the voter's own vote counts; one naming no option of the poll is dropped.
  const attributedTo = idOf(Array.isArray(object.attributedTo) ? object.attributedTo[0] : object.attributedTo)
  const choice = pollTitles(poll).indexOf(name)
  if (attributedTo !== actorUri || choice < 0) return true
  const result = await env.DB.prepare(
    `INSERT OR IGNORE INTO poll_votes (id, poll_id, account_id, choice, uri)
     SELECT ?1, ?2, ?3, ?4, ?5
      WHERE EXISTS (SELECT 1 FROM polls p WHERE p.id = ?2 AND (p.expires_at IS NULL OR p.expires_at > ?6))
        AND (?7 = 1 OR NOT EXISTS (SELECT 1 FROM poll_votes v WHERE v.poll_id = ?2 AND v.account_id = ?3))`,
  )
    .bind(newId(), poll.id, actorId, choice, idOf(object) ?? null, new Date().toISOString(), poll.multiple)
    .run()
  if ((result.meta.changes ?? 0) > 0) await federate(env, { action: 'update', actorId: poll.account_id, objectId: poll.status_id })
  return true
}

