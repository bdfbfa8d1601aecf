import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { conversationsPage } from '../../../../backend/conversations/read'
import { linkHeader, parsePage } from '../../../../backend/timelines/page'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    const page = await conversationsPage(ctx.data.db, user.accountId, parsePage(url.searchParams), url.origin)
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return Response.json(page.conversations, { headers: link ? { Link: link } : {} })
  },
})
