import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readParams } from '../../../../backend/http/body'
import { featuredTags, featureTag } from '../../../../backend/tags/featured'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:accounts')
    return Response.json(await featuredTags(ctx.data.db, user.accountId, new URL(ctx.request.url).origin))
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:accounts')
    const params = await readParams(ctx.request)
    return Response.json(await featureTag(ctx.data.db, user.accountId, params.name, new URL(ctx.request.url).origin))
  },
})
