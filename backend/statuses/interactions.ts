import type { Db } from '../db/client'
import { renderAccount, type MastodonAccount } from '../mastodon/account'
import { keyset } from '../timelines/queries'
import { linkHeader, newestFirst, parsePage, type PageRequest } from '../timelines/page'
import { optionalUser } from '../auth/authenticate'
import type { Context } from '../http/route'
import { visibleStatus } from './visibility'

/** A page of accounts, with the row ids the client pages by (the favourite's or the reblog's id). */
export interface AccountPage {
  accounts: MastodonAccount[]
  cursors: string[]
}

/**
 * Who favourited (one range scan of favourites by (status_id, id)) or reblogged (the reblog rows
 * of the status, public and unlisted) a status the viewer may see, newest first.
 */
export async function interactingAccounts(db: Db, kind: 'favourited' | 'reblogged', viewerId: string | null, id: string, page: PageRequest, origin: string): Promise<AccountPage> {
  await visibleStatus(db, viewerId, id)
  const table = kind === 'favourited' ? 'favourites' : 'statuses'
  const { where, order } = keyset(`${table}.id`, page)
  let q = db
    .selectFrom(table)
    .innerJoin('accounts', 'accounts.id', `${table}.account_id`)
    .selectAll('accounts')
    .select(`${table}.id as cursor`)
    .where(where)
  q =
    kind === 'favourited'
      ? q.where('favourites.status_id', '=', id)
      : q.where('statuses.reblog_of_id', '=', id).where('statuses.visibility', 'in', ['public', 'unlisted'])
  const rows = await q.orderBy(`${table}.id`, order).limit(page.limit).execute()
  const sorted = newestFirst(page, rows)
  return { accounts: sorted.map((r) => renderAccount(r, origin)), cursors: sorted.map((r) => r.cursor) }
}

/** The GET handler of /:id/favourited_by and /:id/reblogged_by: Account[] with Link paging headers. */
export function interactingAccountsHandler(kind: 'favourited' | 'reblogged') {
  return async (ctx: Context<'id'>): Promise<Response> => {
    const viewer = await optionalUser(ctx, 'read:accounts')
    const url = new URL(ctx.request.url)
    const page = await interactingAccounts(ctx.data.db, kind, viewer?.accountId ?? null, String(ctx.params.id), parsePage(url.searchParams, { limit: 40, max: 80 }), url.origin)
    const link = linkHeader(ctx.request.url, page.cursors[0], page.cursors[page.cursors.length - 1])
    return Response.json(page.accounts, { headers: link ? { Link: link } : {} })
  }
}
