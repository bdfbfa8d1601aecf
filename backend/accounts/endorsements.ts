import { sql } from 'kysely'
import type { Db } from '../db/client'
import { isId } from '../ids'
import { HttpError, notFound, unprocessable } from '../http/errors'
import { renderAccount, type AccountRow, type MastodonAccount } from '../mastodon/account'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'

/**
 * Endorsements (Mastodon's account pins): accounts a person features on their profile. Only an
 * account one follows can be endorsed, and unfollowing drops the endorsement (migrations/0016).
 */
export async function endorse(db: Db, viewerId: string, targetId: string): Promise<void> {
  if (!isId(targetId)) throw notFound()
  const target = await db.selectFrom('accounts').select('id').where('id', '=', targetId).executeTakeFirst()
  if (!target) throw notFound()
  if (targetId === viewerId) throw unprocessable('Validation failed: You cannot feature yourself')
  // One statement: the follow check and the insert cannot be separated by an unfollow.
  const result = await sql`
    INSERT OR IGNORE INTO account_endorsements (account_id, target_account_id)
    SELECT ${viewerId}, ${targetId} WHERE EXISTS (
      SELECT 1 FROM follows WHERE account_id = ${viewerId} AND target_account_id = ${targetId} AND state = 'accepted')`.execute(db)
  if (Number(result.numAffectedRows ?? 0) > 0) return
  const already = await db.selectFrom('account_endorsements').select('target_account_id').where('account_id', '=', viewerId).where('target_account_id', '=', targetId).executeTakeFirst()
  if (!already) throw new HttpError(422, 'Validation failed: You must be already following the person you want to endorse')
}

export async function unendorse(db: Db, viewerId: string, targetId: string): Promise<void> {
  if (!isId(targetId)) throw notFound()
  const target = await db.selectFrom('accounts').select('id').where('id', '=', targetId).executeTakeFirst()
  if (!target) throw notFound()
  await db.deleteFrom('account_endorsements').where('account_id', '=', viewerId).where('target_account_id', '=', targetId).execute()
}

export interface EndorsementPage {
  accounts: MastodonAccount[]
  newest: string | undefined
  oldest: string | undefined
}

/**
 * Someone's endorsed accounts, paged by account id as Mastodon pages them: one range scan of the
 * (account_id, target_account_id) primary key, joined to accounts by id.
 */
export async function endorsements(db: Db, ownerId: string, page: PageRequest, origin: string): Promise<EndorsementPage> {
  const { where, order } = keyset('e.target_account_id', page)
  const { rows } = await sql<AccountRow>`
    SELECT a.* FROM account_endorsements e JOIN accounts a ON a.id = e.target_account_id
     WHERE e.account_id = ${ownerId} AND ${where}
     ORDER BY e.target_account_id ${sql.raw(order)} LIMIT ${page.limit}`.execute(db)
  const ordered = newestFirst(page, rows)
  return { accounts: ordered.map((r) => renderAccount(r, origin)), newest: ordered[0]?.id, oldest: ordered[ordered.length - 1]?.id }
}
