import type { Db } from '../db/client'
import type { Env } from '../env'
import { currentIdentity } from '../auth/identity'
import { readBridge, type BridgeView } from '../atproto/identity-view'

export const BLUESKY_PAGE = '/settings/bluesky'

/** The signed-in person's account and its Bluesky side, for the settings page; null when signed out. */
export async function blueskySettings(env: Env, db: Db, request: Request): Promise<BridgeView | null> {
  const identity = await currentIdentity(env, db, request)
  if (identity.user === null || identity.user.account_id === null) return null
  return readBridge(db, identity.user.account_id)
}
