// What the API and the settings page read of an account's Bluesky side: one row of atproto_accounts.
// Kept apart from identity.ts so the web pages' loaders need nothing of the RepoObject or PLC code.
import type { Db } from '../db/client'
import type { AtprotoAccountsTable } from '../db/schema'

export type LongPosts = 'truncate' | 'thread'
export const LONG_POSTS: readonly LongPosts[] = ['truncate', 'thread']

export type Row = Pick<AtprotoAccountsTable, 'account_id' | 'did' | 'handle' | 'rotation_key_sealed' | 'plc_op_cid'> & { active: number; long_posts: LongPosts }

/** What the API and the settings page show of an account's Bluesky side. */
export interface BridgeView {
  enabled: boolean
  did: string | null
  handle: string | null
  long_posts: LongPosts
  /** The account on Bluesky's own app, once it has an identity. */
  profile_url: string | null
}

export function bridgeView(row: Row | undefined): BridgeView {
  if (row === undefined) return { enabled: false, did: null, handle: null, long_posts: 'truncate', profile_url: null }
  return { enabled: row.active === 1, did: row.did, handle: row.handle, long_posts: row.long_posts, profile_url: `https://bsky.app/profile/${row.handle}` }
}

export async function bridgeRow(db: Db, accountId: string): Promise<Row | undefined> {
  return db
    .selectFrom('atproto_accounts')
    .select(['account_id', 'did', 'handle', 'active', 'long_posts', 'rotation_key_sealed', 'plc_op_cid'])
    .where('account_id', '=', accountId)
    .executeTakeFirst() as Promise<Row | undefined>
}

export async function readBridge(db: Db, accountId: string): Promise<BridgeView> {
  return bridgeView(await bridgeRow(db, accountId))
}

