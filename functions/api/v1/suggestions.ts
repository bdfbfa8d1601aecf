import { requireUser } from '../../../backend/auth/authenticate'
import { route } from '../../../backend/http/route'
import { parseOffsetPage, suggestions } from '../../../backend/accounts/discovery'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read')
    const url = new URL(ctx.request.url)
    const { limit } = parseOffsetPage(url.searchParams, { limit: 40, max: 80 })
    return Response.json(await suggestions(ctx.data.db, user.accountId, limit, url.origin))
  },
})
