import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { setTagFeatured } from '../../../../../backend/tags/featured'

export const onRequest = route<'name'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:accounts')
    return Response.json(await setTagFeatured(ctx.data.db, user.accountId, String(ctx.params.name), true, new URL(ctx.request.url).origin))
  },
})
