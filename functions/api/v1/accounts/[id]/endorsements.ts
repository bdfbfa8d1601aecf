import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { readAccount } from '../../../../../backend/accounts/read'
import { endorsements } from '../../../../../backend/accounts/endorsements'
import { linkHeader, parsePage } from '../../../../../backend/timelines/page'

/** Mastodon 4.4: the accounts someone features on their profile, for anyone to read. */
export const onRequest = route<'id'>({
  GET: async (ctx) => {
    await optionalUser(ctx, 'read:accounts')
    const url = new URL(ctx.request.url)
    const account = await readAccount(ctx.data.db, String(ctx.params.id), url.origin)
    const page = await endorsements(ctx.data.db, account.id, parsePage(url.searchParams, { limit: 40, max: 80 }), url.origin)
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return Response.json(page.accounts, { headers: link ? { Link: link } : {} })
  },
})
