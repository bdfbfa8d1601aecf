import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { parseTrendsPage, trendingLinks, trendsLink } from '../../../../backend/trends/trends'

export const onRequest = route({
  GET: async (ctx) => {
    // A token, if sent, must be valid; links do not depend on who asks.
    await optionalUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    const page = parseTrendsPage(url.searchParams, { limit: 10, max: 20 })
    const items = await trendingLinks(ctx.data.db, page)
    const link = trendsLink(ctx.request.url, page, items.length)
    return Response.json(items, { headers: link ? { Link: link } : {} })
  },
})
