import { route } from '../../../backend/http/route'
import { requireUser } from '../../../backend/auth/authenticate'
import { endorsements } from '../../../backend/accounts/endorsements'
import { linkHeader, parsePage } from '../../../backend/timelines/page'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:accounts')
    const url = new URL(ctx.request.url)
    const page = await endorsements(ctx.data.db, user.accountId, parsePage(url.searchParams, { limit: 40, max: 80 }), url.origin)
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return Response.json(page.accounts, { headers: link ? { Link: link } : {} })
  },
})
