import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { parsePage, linkHeader } from '../../../../../backend/timelines/page'
import { favouritedBy } from '../../../../../backend/statuses/interactions'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:accounts')
    const url = new URL(ctx.request.url)
    const page = await favouritedBy(ctx.data.db, viewer?.accountId ?? null, String(ctx.params.id), parsePage(url.searchParams, { limit: 40, max: 80 }), url.origin)
    const link = linkHeader(ctx.request.url, page.cursors[0], page.cursors[page.cursors.length - 1])
    return Response.json(page.accounts, { headers: link ? { Link: link } : {} })
  },
})
