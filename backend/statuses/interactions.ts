import type { Db } from '../db/client'
import { renderAccount, type MastodonAccount } from '../mastodon/account'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'
import { visibleStatus } from './visibility'

/** A page of accounts, with the row ids the client pages by (the favourite's or the reblog's id). */
export interface AccountPage {
  accounts: MastodonAccount[]
  cursors: string[]
}

/** GET /:id/favourited_by: newest favourites first, one range scan of (status_id, id). */
export async function favouritedBy(db: Db, viewerId: string | null, id: string, page: PageRequest, origin: string): Promise<AccountPage> {
  await visibleStatus(db, viewerId, id)
  const { where, order } = keyset('favourites.id', page)
  const rows = await db
    .selectFrom('favourites')
    .innerJoin('accounts', 'accounts.id', 'favourites.account_id')
    .selectAll('accounts')
    .select('favourites.id as cursor')
    .where('favourites.status_id', '=', id)
    .where(where)
    .orderBy('favourites.id', order)
    .limit(page.limit)
    .execute()
  const sorted = newestFirst(page, rows)
  return { accounts: sorted.map((r) => renderAccount(r, origin)), cursors: sorted.map((r) => r.cursor) }
}

/** GET /:id/reblogged_by: newest reblogs first. */
export async function rebloggedBy(db: Db, viewerId: string | null, id: string, page: PageRequest, origin: string): Promise<AccountPage> {
  await visibleStatus(db, viewerId, id)
  const { where, order } = keyset('statuses.id', page)
  const rows = await db
    .selectFrom('statuses')
    .innerJoin('accounts', 'accounts.id', 'statuses.account_id')
    .selectAll('accounts')
    .select('statuses.id as cursor')
    .where('statuses.reblog_of_id', '=', id)
    .where('statuses.visibility', 'in', ['public', 'unlisted'])
    .where(where)
    .orderBy('statuses.id', order)
    .limit(page.limit)
    .execute()
  const sorted = newestFirst(page, rows)
  return { accounts: sorted.map((r) => renderAccount(r, origin)), cursors: sorted.map((r) => r.cursor) }
}
