import { sql } from 'kysely'
import type { Db } from '../db/client'
import { renderAccount, type AccountRow, type MastodonAccount } from '../mastodon/account'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'

/**
 * The account lists Mastodon pages by the id of the row behind each entry (the follow, block or
 * mute), not by account id. Each is one range scan of an (owner, …, id) index.
 */
const LISTS = {
  /** Accepted follows of the owner: follows_target. */
  followers: { table: 'follows', owner: 'target_account_id', other: 'account_id', extra: sql`AND r.state = 'accepted'` },
  /** Accepted follows by the owner: follows_source. */
  following: { table: 'follows', owner: 'account_id', other: 'target_account_id', extra: sql`AND r.state = 'accepted'` },
  /** Pending follows of the owner: follows_target. */
  follow_requests: { table: 'follows', owner: 'target_account_id', other: 'account_id', extra: sql`AND r.state = 'pending'` },
  /** blocks_account. */
  blocks: { table: 'blocks', owner: 'account_id', other: 'target_account_id', extra: sql`` },
  /** mutes_account; expired mutes no longer count. */
  mutes: { table: 'mutes', owner: 'account_id', other: 'target_account_id', extra: sql`AND (r.expires_at IS NULL OR r.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` },
} as const

export type AccountListKind = keyof typeof LISTS

export interface AccountPage {
  accounts: MastodonAccount[]
  /** Row ids of the first and last entries, for the Link header. */
  newest: string | undefined
  oldest: string | undefined
}

export async function accountList(db: Db, kind: AccountListKind, ownerId: string, page: PageRequest, origin: string): Promise<AccountPage> {
  const list = LISTS[kind]
  const { where, order } = keyset('r.id', page)
  const { rows } = await sql<AccountRow & { row_id: string }>`
    SELECT a.*, r.id AS row_id FROM ${sql.table(list.table)} r JOIN accounts a ON a.id = r.${sql.ref(list.other)}
     WHERE r.${sql.ref(list.owner)} = ${ownerId} ${list.extra} AND ${where}
     ORDER BY r.id ${sql.raw(order)} LIMIT ${page.limit}`.execute(db)
  const ordered = newestFirst(page, rows)
  return {
    accounts: ordered.map((r) => renderAccount(r, origin)),
    newest: ordered[0]?.row_id,
    oldest: ordered[ordered.length - 1]?.row_id,
  }
}
