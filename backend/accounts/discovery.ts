import type { Db } from '../db/client'
import { HttpError, notFound } from '../http/errors'
import { isId } from '../ids'
import { renderAccount, type AccountRow } from '../mastodon/account'

export interface OffsetPage {
  offset: number
  limit: number
}

/** `offset` and `limit` for the endpoints Mastodon pages by offset (directory, suggestions). */
export function parseOffsetPage(params: URLSearchParams, defaults = { limit: 40, max: 80 }): OffsetPage {
  const int = (name: string, fallback: number) => {
    const v = params.get(name)
    if (v === null || v === '') return fallback
    if (!/^\d+$/.test(v)) throw new HttpError(400, `${name} must be a non-negative whole number`)
    return Number(v)
  }
  // Deep offsets cost a row read per skipped entry; Mastodon's clients never go this far.
  const offset = Math.min(int('offset', 0), 10_000)
  return { offset, limit: Math.min(Math.max(int('limit', defaults.limit), 1), defaults.max) }
}

/**
 * GET /api/v1/directory: discoverable accounts, most recently active or newest first. Ordered by
 * an index on (discoverable, last_status_at), so a page reads offset + limit rows.
 */
export async function directory(db: Db, options: { order: 'active' | 'new'; local: boolean; page: OffsetPage }, origin: string) {
  let q = db.selectFrom('accounts').selectAll().where('discoverable', '=', 1).where('moved_to_account_id', 'is', null)
  if (options.local) q = q.where('domain', '=', '')
  q = options.order === 'new' ? q.orderBy('id', 'desc') : q.where('last_status_at', 'is not', null).orderBy('last_status_at', 'desc').orderBy('id', 'desc')
  const rows = await q.offset(options.page.offset).limit(options.page.limit).execute()
  return rows.map((r) => renderAccount(r as AccountRow, origin))
}

/**
 * Accounts worth following: discoverable local accounts, most followed first, that the person does
 * not follow, block, or mute, and has not dismissed. Read through the directory index, so the cost follows the page size.
 */
export async function suggestions(db: Db, accountId: string, limit: number, origin: string) {
  const rows = await db
    .selectFrom('accounts as a')
    .selectAll('a')
    .where('a.domain', '=', '')
    .where('a.discoverable', '=', 1)
    .where('a.id', '<>', accountId)
    .where('a.last_status_at', 'is not', null)
    .where(({ not, exists, selectFrom, or }) =>
      not(
        or([
          exists(selectFrom('follows as f').select('f.id').where('f.account_id', '=', accountId).whereRef('f.target_account_id', '=', 'a.id')),
          exists(selectFrom('blocks as b').select('b.id').where('b.account_id', '=', accountId).whereRef('b.target_account_id', '=', 'a.id')),
          exists(selectFrom('blocks as bb').select('bb.id').whereRef('bb.account_id', '=', 'a.id').where('bb.target_account_id', '=', accountId)),
          exists(selectFrom('mutes as m').select('m.id').where('m.account_id', '=', accountId).whereRef('m.target_account_id', '=', 'a.id')),
          exists(selectFrom('suggestion_dismissals as d').select('d.account_id').where('d.account_id', '=', accountId).whereRef('d.target_account_id', '=', 'a.id')),
        ]),
      ),
    )
    .orderBy('a.last_status_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => renderAccount(r as AccountRow, origin))
}

/**
 * GET /api/v1/accounts/familiar_followers: for each account asked about, the accounts the person
 * follows that also follow it. One query for all ids, through the follows pair indexes.
 */
export async function familiarFollowers(db: Db, accountId: string, ids: string[], origin: string) {
  const asked = [...new Set(ids)].slice(0, 40)
  if (asked.length === 0) return []
  const rows = await db
    .selectFrom('follows as mine')
    .innerJoin('follows as theirs', (j) => j.onRef('theirs.account_id', '=', 'mine.target_account_id').on('theirs.state', '=', 'accepted'))
    .innerJoin('accounts as a', 'a.id', 'mine.target_account_id')
    .selectAll('a')
    .select('theirs.target_account_id as familiar_of')
    .where('mine.account_id', '=', accountId)
    .where('mine.state', '=', 'accepted')
    .where('theirs.target_account_id', 'in', asked)
    .limit(asked.length * 40)
    .execute()
  return asked.map((id) => ({
    id,
    accounts: rows.filter((r) => r.familiar_of === id).map((r) => renderAccount(r as unknown as AccountRow, origin)),
  }))
}

/** DELETE /api/v1/suggestions/:account_id: never suggest this account to the person again. */
export async function dismissSuggestion(db: Db, accountId: string, targetId: string): Promise<void> {
  if (!isId(targetId)) throw notFound()
  const target = await db.selectFrom('accounts').select('id').where('id', '=', targetId).executeTakeFirst()
  if (!target) throw notFound()
  await db.insertInto('suggestion_dismissals').values({ account_id: accountId, target_account_id: targetId }).onConflict((oc) => oc.doNothing()).execute()
}
