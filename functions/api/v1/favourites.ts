import { route } from '../../../backend/http/route'
import { requireUser } from '../../../backend/auth/authenticate'
import { savedStatuses } from '../../../backend/collections/saved'
import { linkHeader, parsePage } from '../../../backend/timelines/page'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:favourites')
    const url = new URL(ctx.request.url)
    const page = await savedStatuses(ctx.data.db, 'favourites', user.accountId, parsePage(url.searchParams), url.origin)
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return Response.json(page.statuses, { headers: link ? { Link: link } : {} })
  },
})
