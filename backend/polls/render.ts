import { sql } from 'kysely'
import type { Db } from '../db/client'

/** Mastodon's Poll entity. `voted` and `own_votes` only with a signed-in viewer. */
export interface MastodonPoll {
  id: string
  expires_at: string | null
  expired: boolean
  multiple: boolean
  votes_count: number
  voters_count: number | null
  options: Array<{ title: string; votes_count: number | null }>
  emojis: never[]
  voted?: boolean
  own_votes?: number[]
}

export interface PollRow {
  id: string
  status_id: string
  account_id: string
  expires_at: string | null
  multiple: number
  hide_totals: number
  options: string
  option_votes: string
  votes_count: number
  voters_count: number | null
  updated_at: string
  closed_at: string | null
  /** The viewer's choices, comma-separated, or null. */
  own: string | null
}

function jsonArray(text: string): unknown[] {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) ? (v as unknown[]) : []
  } catch {
    return []
  }
}

export function pollTitles(row: Pick<PollRow, 'options'>): string[] {
  return jsonArray(row.options).map(String)
}

export function pollCounts(row: Pick<PollRow, 'option_votes'>): number[] {
  return jsonArray(row.option_votes).map((n) => (typeof n === 'number' && Number.isFinite(n) ? n : 0))
}

export function isExpired(row: Pick<PollRow, 'expires_at'>, now = Date.now()): boolean {
  return row.expires_at !== null && Date.parse(row.expires_at) <= now
}

/**
 * Polls by id with the viewer's own votes, in ONE query for a whole page (an index probe per poll,
 * and per poll the viewer's votes through poll_votes' unique index).
 */
export async function loadPollRows(db: Db, pollIds: readonly string[], viewerId: string | null): Promise<Map<string, PollRow>> {
  const ids = [...new Set(pollIds)]
  if (ids.length === 0) return new Map()
  const { rows } = await sql<PollRow>`
    SELECT p.id, p.status_id, p.account_id, p.expires_at, p.multiple, p.hide_totals, p.options, p.option_votes,
           p.votes_count, p.voters_count, p.updated_at, p.closed_at, group_concat(v.choice) AS own
      FROM polls p
      LEFT JOIN poll_votes v ON v.poll_id = p.id AND v.account_id = ${viewerId ?? ''}
     WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))
     GROUP BY p.id
  `.execute(db)
  return new Map(rows.map((r) => [r.id, r]))
}

/** The Poll entity. With hide_totals, option counts stay hidden (null) until the poll has ended, as on Mastodon. */
export function renderPoll(row: PollRow, viewerId: string | null, now = Date.now()): MastodonPoll {
  const expired = isExpired(row, now)
  const counts = pollCounts(row)
  const showTotals = expired || row.hide_totals === 0
  const own =
    row.own === null || row.own === ''
      ? []
      : row.own
          .split(',')
          .map(Number)
          .sort((a, b) => a - b)
  return {
    id: row.id,
    expires_at: row.expires_at,
    expired,
    multiple: row.multiple === 1,
    votes_count: row.votes_count,
    voters_count: row.voters_count,
    options: pollTitles(row).map((title, i) => ({ title, votes_count: showTotals ? (counts[i] ?? 0) : null })),
    emojis: [],
    ...(viewerId === null ? {} : { voted: own.length > 0 || row.account_id === viewerId, own_votes: own }),
  }
}

/** The polls of a page of statuses, keyed by poll id: one query, none when no status has a poll. */
export async function loadPolls(db: Db, pollIds: readonly string[], viewerId: string | null): Promise<Map<string, MastodonPoll>> {
  const rows = await loadPollRows(db, pollIds, viewerId)
  const now = Date.now()
  return new Map([...rows].map(([id, r]) => [id, renderPoll(r, viewerId, now)]))
}
