import { sql } from 'kysely'
import type { Db } from '../db/client'
import { isId } from '../ids'
import { unprocessable } from '../http/errors'
import { renderRelationship, type MastodonRelationship, type RelationshipFacts } from '../mastodon/relationship'

/** How many accounts one relationships request may ask about, so its cost stays bounded. */
export const MAX_RELATIONSHIPS = 100

const NOW = sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

/**
 * GET /api/v1/accounts/relationships: the viewer's relationship with each existing account asked
 * for, in the order asked. One query per table (accounts, follows, blocks, mutes) for the whole
 * list, each reading the pair indexes only for the accounts listed: about 5 rows per id. The
 * accounts query also probes, by primary key, the viewer's endorsement of the account, block of
 * its domain and note about it.
 */
export async function relationships(db: Db, viewerId: string, requested: readonly string[]): Promise<MastodonRelationship[]> {
  const ids = [...new Set(requested)].filter(isId)
  if (ids.length > MAX_RELATIONSHIPS) throw unprocessable(`At most ${MAX_RELATIONSHIPS} accounts at a time`)
  if (ids.length === 0) return []
  const list = JSON.stringify(ids)
  // The ids drive each query as the outer loop, so every row read is one probe of a pair index.
  const each = sql`json_each(${list}) j`
  const [accounts, follows, blocks, mutes] = await Promise.all([
    sql<{ id: string; domain_blocking: number; note: string | null; endorsed: number }>`
      SELECT a.id, adb.domain IS NOT NULL AS domain_blocking, n.comment AS note, e.target_account_id IS NOT NULL AS endorsed
        FROM ${each} JOIN accounts a ON a.id = j.value
        LEFT JOIN account_domain_blocks adb ON a.domain <> '' AND adb.account_id = ${viewerId} AND adb.domain = a.domain
        LEFT JOIN account_notes n ON n.account_id = ${viewerId} AND n.target_account_id = a.id
        LEFT JOIN account_endorsements e ON e.account_id = ${viewerId} AND e.target_account_id = a.id`.execute(db),
    sql<{ account_id: string; target_account_id: string; state: 'pending' | 'accepted'; show_reblogs: number; notify: number }>`
      SELECT f.account_id, f.target_account_id, f.state, f.show_reblogs, f.notify FROM ${each} CROSS JOIN follows f
       WHERE (f.account_id = ${viewerId} AND f.target_account_id = j.value) OR (f.account_id = j.value AND f.target_account_id = ${viewerId})`.execute(db),
    sql<{ account_id: string; target_account_id: string }>`
      SELECT b.account_id, b.target_account_id FROM ${each} CROSS JOIN blocks b
       WHERE (b.account_id = ${viewerId} AND b.target_account_id = j.value) OR (b.account_id = j.value AND b.target_account_id = ${viewerId})`.execute(db),
    sql<{ target_account_id: string; notifications: number; expires_at: string | null }>`
      SELECT m.target_account_id, m.notifications, m.expires_at FROM ${each} CROSS JOIN mutes m
       WHERE m.account_id = ${viewerId} AND m.target_account_id = j.value AND (m.expires_at IS NULL OR m.expires_at > ${NOW})`.execute(db),
  ])
  const facts = new Map<string, RelationshipFacts>(
    accounts.rows.map((a) => [
      a.id,
      {
        id: a.id,
        following: null,
        followedBy: null,
        blocking: false,
        blockedBy: false,
        mute: null,
        domainBlocking: a.domain_blocking === 1,
        note: a.note ?? '',
        endorsed: a.endorsed === 1,
      },
    ]),
  )
  for (const f of follows.rows) {
    if (f.account_id === viewerId) {
      const r = facts.get(f.target_account_id)
      if (r) r.following = { state: f.state, showReblogs: f.show_reblogs === 1, notify: f.notify === 1 }
    } else {
      const r = facts.get(f.account_id)
      if (r) r.followedBy = f.state
    }
  }
  for (const b of blocks.rows) {
    const mine = b.account_id === viewerId
    const r = facts.get(mine ? b.target_account_id : b.account_id)
    if (r && mine) r.blocking = true
    else if (r) r.blockedBy = true
  }
  for (const m of mutes.rows) {
    const r = facts.get(m.target_account_id)
    if (r) r.mute = { notifications: m.notifications === 1, expiresAt: m.expires_at }
  }
  return ids.flatMap((id) => {
    const f = facts.get(id)
    return f ? [renderRelationship(f)] : []
  })
}

/** One account's relationship, after an action changed it. */
export async function relationship(db: Db, viewerId: string, accountId: string): Promise<MastodonRelationship> {
  const [r] = await relationships(db, viewerId, [accountId])
  if (!r) throw new Error(`no account ${accountId}`)
  return r
}
