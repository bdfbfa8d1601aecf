import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { parseTrendsPage, trendingStatuses, trendsLink } from '../../../../backend/trends/trends'

export const onRequest = route({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    const page = parseTrendsPage(url.searchParams, { limit: 20, max: 40 })
    const items = await trendingStatuses(ctx.data.db, page, viewer?.accountId ?? null, url.origin)
    const link = trendsLink(ctx.request.url, page, items.length)
    return Response.json(items, { headers: link ? { Link: link } : {} })
  },
})
