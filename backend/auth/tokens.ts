import type { Db } from '../db/client'
import { newId } from '../ids'
import { randomSecret, sha256Hex } from './secrets'

export interface IssuedToken {
  access_token: string
  token_type: 'Bearer'
  scope: string
  created_at: number
}

/** A new access token; only its hash is stored. */
export async function issueToken(db: Db, grant: { appId: string | null; userId: string | null; scopes: readonly string[]; codeHash?: string }): Promise<IssuedToken> {
  const token = randomSecret()
  const now = new Date()
  await db
    .insertInto('oauth_tokens')
    .values({
      id: newId(now.getTime()),
      token_hash: await sha256Hex(token),
      app_id: grant.appId,
      user_id: grant.userId,
      scopes: grant.scopes.join(' '),
      code_hash: grant.codeHash ?? null,
      created_at: now.toISOString(),
      revoked_at: null,
    })
    .execute()
  return { access_token: token, token_type: 'Bearer', scope: grant.scopes.join(' '), created_at: Math.floor(now.getTime() / 1000) }
}

/**
 * Revokes a token if it belongs to the app (RFC 7009: unknown tokens are not an error). Returns the
 * token revoked now, if any, so what it holds open (streaming connections) can be closed.
 */
export async function revokeToken(db: Db, token: string, appId: string): Promise<{ tokenId: string; userId: string | null } | null> {
  const row = await db
    .updateTable('oauth_tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where('token_hash', '=', await sha256Hex(token))
    .where('app_id', '=', appId)
    .where('revoked_at', 'is', null)
    .returning(['id', 'user_id'])
    .executeTakeFirst()
  return row === undefined ? null : { tokenId: row.id, userId: row.user_id }
}

export interface TokenRow {
  tokenId: string
  appId: string | null
  userId: string | null
  accountId: string | null
  approved: boolean
  scopes: string[]
}

export async function findToken(db: Db, token: string): Promise<TokenRow | null> {
  const row = await db
    .selectFrom('oauth_tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 't.app_id', 't.user_id', 't.scopes', 'u.account_id', 'u.approved'])
    .where('t.token_hash', '=', await sha256Hex(token))
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst()
  if (row === undefined) return null
  return {
    tokenId: row.id,
    appId: row.app_id,
    userId: row.user_id,
    accountId: row.account_id ?? null,
    approved: row.user_id === null || row.approved === 1,
    scopes: row.scopes.split(' ').filter((s) => s !== ''),
  }
}
