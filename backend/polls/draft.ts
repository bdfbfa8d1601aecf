import { unprocessable } from '../http/errors'
import { LIMITS } from '../instance/limits'
import { optionalBoolean } from '../statuses/params'
import { prepared } from '../statuses/sql'
import type { Db } from '../db/client'

/** A poll as a client asks for it with a new status (`poll[options][]`, `poll[expires_in]`, …), checked. */
export interface PollDraft {
  options: string[]
  expiresIn: number
  multiple: boolean
  hideTotals: boolean
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
function graphemes(s: string): number {
  let n = 0
  for (const _ of segmenter.segment(s)) n++
  return n
}

/**
 * The poll of a new status, or null without one. Checked against the limits the instance advertises
 * (LIMITS.polls, shown in /api/v1/instance and /api/v2/instance), so clients and server agree.
 */
export function readPollDraft(params: Record<string, unknown>): PollDraft | null {
  const raw = params.poll
  if (raw === undefined || raw === null || raw === '') return null
  if (typeof raw !== 'object' || Array.isArray(raw)) throw unprocessable('poll must be an object with options and expires_in')
  const poll = raw as Record<string, unknown>
  const list = poll.options
  if (!Array.isArray(list)) throw unprocessable('poll[options] must be a list of strings')
  const options = (list as unknown[]).map((o) => {
    if (typeof o !== 'string' && typeof o !== 'number') throw unprocessable('poll[options] must be a list of strings')
    return String(o).trim()
  })
  const { maxOptions, maxCharactersPerOption, minExpiration, maxExpiration } = LIMITS.polls
  if (options.length < 2) throw unprocessable('Validation failed: Poll must have at least 2 options')
  if (options.length > maxOptions) throw unprocessable(`Validation failed: Poll cannot have more than ${maxOptions} options`)
  if (options.some((o) => o === '')) throw unprocessable("Validation failed: Poll options can't be blank")
  if (options.some((o) => graphemes(o) > maxCharactersPerOption)) {
    throw unprocessable(`Validation failed: Poll options cannot be longer than ${maxCharactersPerOption} characters`)
  }
  if (new Set(options).size !== options.length) throw unprocessable('Validation failed: Poll options must be different')
  const expires = poll.expires_in
  const expiresIn = typeof expires === 'number' ? expires : typeof expires === 'string' && /^\d{1,12}$/.test(expires.trim()) ? Number(expires.trim()) : NaN
  if (!Number.isSafeInteger(expiresIn)) throw unprocessable('poll[expires_in] must be a number of seconds')
  if (expiresIn < minExpiration) throw unprocessable(`Validation failed: Poll duration must be at least ${minExpiration} seconds`)
  if (expiresIn > maxExpiration) throw unprocessable(`Validation failed: Poll duration cannot be more than ${maxExpiration} seconds`)
  return {
    options,
    expiresIn,
    multiple: optionalBoolean(poll, 'multiple') ?? false,
    hideTotals: optionalBoolean(poll, 'hide_totals') ?? false,
  }
}

/** The insert of a new local poll, for the batch that writes its status (after the status row). */
export function pollStatement(d1: D1Database, db: Db, pollId: string, statusId: string, accountId: string, draft: PollDraft, now: number): D1PreparedStatement {
  return prepared(
    d1,
    db.insertInto('polls').values({
      id: pollId,
      status_id: statusId,
      account_id: accountId,
      expires_at: new Date(now + draft.expiresIn * 1000).toISOString(),
      multiple: draft.multiple ? 1 : 0,
      hide_totals: draft.hideTotals ? 1 : 0,
      options: JSON.stringify(draft.options),
      option_votes: JSON.stringify(draft.options.map(() => 0)),
      votes_count: 0,
      voters_count: 0,
    }),
  )
}

/** The draft as ScheduledStatus.params.poll shows it, and as it is read back when the post is published. */
export function pollParams(draft: PollDraft): { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } {
  return { options: draft.options, expires_in: draft.expiresIn, multiple: draft.multiple, hide_totals: draft.hideTotals }
}

/**
 * What an edit with `poll` does to a status' poll, as Mastodon's: a new poll is created; changed options or
 * multiple choice start the votes over; either way the poll runs for expires_in from now.
 */
export async function pollEditStatements(
  d1: D1Database,
  db: Db,
  status: { id: string; account_id: string; poll_id: string | null },
  draft: PollDraft,
  now: number,
  newPollId: () => string,
): Promise<D1PreparedStatement[]> {
  const expiresAt = new Date(now + draft.expiresIn * 1000).toISOString()
  const current = status.poll_id === null ? undefined : await db.selectFrom('polls').select(['id', 'options', 'multiple']).where('id', '=', status.poll_id).executeTakeFirst()
  if (current === undefined) {
    const pollId = newPollId()
    return [pollStatement(d1, db, pollId, status.id, status.account_id, draft, now), d1.prepare('UPDATE statuses SET poll_id = ?1 WHERE id = ?2').bind(pollId, status.id)]
  }
  const same = current.options === JSON.stringify(draft.options) && current.multiple === (draft.multiple ? 1 : 0)
  const keep = d1
    .prepare("UPDATE polls SET hide_totals = ?1, expires_at = ?2, closed_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?3")
    .bind(draft.hideTotals ? 1 : 0, expiresAt, current.id)
  if (same) return [keep]
  return [
    d1.prepare('DELETE FROM poll_votes WHERE poll_id = ?1').bind(current.id),
    d1
      .prepare('UPDATE polls SET options = ?1, option_votes = ?2, votes_count = 0, voters_count = 0, multiple = ?3 WHERE id = ?4')
      .bind(JSON.stringify(draft.options), JSON.stringify(draft.options.map(() => 0)), draft.multiple ? 1 : 0, current.id),
    keep,
  ]
}
