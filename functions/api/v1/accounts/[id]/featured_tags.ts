import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { featuredTags } from '../../../../../backend/tags/featured'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    await optionalUser(ctx, 'read:accounts')
    return Response.json(await featuredTags(ctx.data.db, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
})
