import { sql } from 'kysely'
import type { Db } from '../db/client'
import { isId, newId } from '../ids'
import { notFound, unprocessable } from '../http/errors'
import { visibleStatus } from '../statuses/visibility'
import { federate } from '../statuses/federate'
import type { Writer } from '../statuses/writer'
import { isExpired, loadPollRows, pollTitles, renderPoll, type MastodonPoll, type PollRow } from './render'

/** A poll whose status the viewer may see (as Mastodon answers, 404 when they may not). */
export async function visiblePoll(db: Db, viewerId: string | null, pollId: string): Promise<PollRow> {
  if (!isId(pollId)) throw notFound()
  const row = (await loadPollRows(db, [pollId], viewerId)).get(pollId)
  if (!row) throw notFound()
  await visibleStatus(db, viewerId, row.status_id)
  return row
}

/** GET /api/v1/polls/:id */
export async function readPoll(db: Db, viewerId: string | null, pollId: string): Promise<MastodonPoll> {
  return renderPoll(await visiblePoll(db, viewerId, pollId), viewerId)
}

/** `choices[]`: option indexes, each once. */
function readChoices(params: Record<string, unknown>): number[] {
  const raw = params.choices
  const list = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined || raw === null ? [] : [raw]
  const choices = list.map((c) => {
    const n = typeof c === 'number' ? c : typeof c === 'string' && /^\d{1,4}$/.test(c.trim()) ? Number(c.trim()) : NaN
    if (!Number.isSafeInteger(n) || n < 0) throw unprocessable('choices must be a list of option indexes')
    return n
  })
  if (choices.length === 0) throw unprocessable("Validation failed: Choices can't be blank")
  return [...new Set(choices)]
}

/**
 * POST /api/v1/polls/:id/votes. All choices go in with ONE statement that also checks, at write time, that
 * the voter has not voted and the poll is still open, so concurrent requests can neither vote twice nor
 * lose a count (a trigger adds the counts as each vote row is stored). A vote on a remote poll is sent to its
 * author's server.
 */
export async function vote(w: Writer, viewerId: string, pollId: string, params: Record<string, unknown>): Promise<MastodonPoll> {
  const poll = await visiblePoll(w.db, viewerId, pollId)
  const choices = readChoices(params)
  if (isExpired(poll)) throw unprocessable('Validation failed: The poll has already ended')
  if (poll.own !== null) throw unprocessable('Validation failed: You have already voted on this poll')
  const optionCount = pollTitles(poll).length
  if (choices.some((c) => c >= optionCount)) throw unprocessable('Validation failed: One or more of the choices is not an option of this poll')
  if (poll.multiple === 0 && choices.length > 1) throw unprocessable('Validation failed: This poll allows only one choice')
  const now = Date.now()
  const votes = choices.map((choice) => ({ id: newId(now), choice }))
  const result = await sql`
    INSERT INTO poll_votes (id, poll_id, account_id, choice)
    SELECT json_extract(j.value, '$.id'), ${pollId}, ${viewerId}, json_extract(j.value, '$.choice')
      FROM json_each(${JSON.stringify(votes)}) j
     WHERE NOT EXISTS (SELECT 1 FROM poll_votes v WHERE v.poll_id = ${pollId} AND v.account_id = ${viewerId})
       AND EXISTS (SELECT 1 FROM polls p WHERE p.id = ${pollId} AND (p.expires_at IS NULL OR p.expires_at > ${new Date(now).toISOString()}))
  `.execute(w.db)
  if (Number(result.numAffectedRows ?? 0) === 0) {
    // Another request got there first: a vote from the same account, or the poll ended meanwhile.
    const again = await visiblePoll(w.db, viewerId, pollId)
    if (again.own !== null) throw unprocessable('Validation failed: You have already voted on this poll')
    throw unprocessable('Validation failed: The poll has already ended')
  }
  const status = await w.db.selectFrom('statuses').select(['local', 'id']).where('id', '=', poll.status_id).executeTakeFirst()
  if (status?.local === 0) {
    for (const v of votes) await federate(w.env, { action: 'vote', actorId: viewerId, objectId: v.id })
  } else if (status?.local === 1) {
    // The author's followers elsewhere see the new counts (coalesced: one Update names the latest counts).
    await federate(w.env, { action: 'update', actorId: poll.account_id, objectId: poll.status_id })
  }
  return renderPoll(await visiblePoll(w.db, viewerId, pollId), viewerId)
}
