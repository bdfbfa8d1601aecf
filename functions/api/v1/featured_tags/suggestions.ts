import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { featuredTagSuggestions } from '../../../../backend/tags/featured'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:accounts')
    return Response.json(await featuredTagSuggestions(ctx.data.db, user.accountId, new URL(ctx.request.url).origin))
  },
})
