import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { listRequests } from '../../../../../backend/notifications/policy'
import { linkHeader, parsePage } from '../../../../../backend/timelines/page'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    const url = new URL(ctx.request.url)
    // Mastodon's notification requests: 40 by default, at most 80.
    const page = await listRequests(ctx.data.db, user.accountId, parsePage(url.searchParams, { limit: 40, max: 80 }), url.origin)
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return Response.json(page.requests, { headers: link ? { Link: link } : {} })
  },
})
