import { sql } from 'kysely'
import type { Db } from '../db/client'
import type { MastodonStatus } from '../mastodon/status'
import { hiddenAuthors } from './visibility'

/** The accounts among `authorIds` that the viewer follows (accepted): one query for the list. */
async function followedAmong(db: Db, viewerId: string, authorIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(authorIds)]
  if (ids.length === 0) return new Set()
  const { rows } = await sql<{ id: string }>`
    SELECT f.target_account_id AS id FROM json_each(${JSON.stringify(ids)}) j
      JOIN follows f ON f.account_id = ${viewerId} AND f.target_account_id = j.value AND f.state = 'accepted'`.execute(db)
  return new Set(rows.map((r) => r.id))
}

/**
 * The statuses of an already bounded list (a thread, a status) that a signed-in viewer may read:
 * public and unlisted posts, their own, followers-only posts of accounts they follow, and posts
 * that mention them; never from an account hidden from them (blocks either way, mutes). Two
 * queries for the whole list.
 */
export async function visibleStatusesFor(db: Db, viewerId: string, statuses: MastodonStatus[], includeMutes = true): Promise<MastodonStatus[]> {
  const all = statuses.flatMap((s) => (s.reblog ? [s, s.reblog] : [s]))
  const restricted = all.filter((s) => (s.visibility === 'private' || s.visibility === 'direct') && s.account.id !== viewerId)
  const [hidden, followed] = await Promise.all([
    hiddenAuthors(
      db,
      viewerId,
      all.map((s) => s.account.id),
      includeMutes,
    ),
    followedAmong(
      db,
      viewerId,
      restricted.filter((s) => s.visibility === 'private').map((s) => s.account.id),
    ),
  ])
  const readable = (s: MastodonStatus): boolean => {
    if (hidden.has(s.account.id)) return false
    if (s.visibility === 'public' || s.visibility === 'unlisted' || s.account.id === viewerId) return true
    if (s.mentions.some((m) => m.id === viewerId)) return true
    return s.visibility === 'private' && followed.has(s.account.id)
  }
  return statuses.filter((s) => readable(s) && (s.reblog === null || readable(s.reblog)))
}
