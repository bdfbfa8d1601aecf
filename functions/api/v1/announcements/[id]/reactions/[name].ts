import { requireUser } from '../../../../../../backend/auth/authenticate'
import { route } from '../../../../../../backend/http/route'
import { addReaction, removeReaction } from '../../../../../../backend/announcements/announcements'

export const onRequest = route<'id' | 'name'>({
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:favourites')
    await addReaction(ctx.env, ctx.data.db, user.accountId, String(ctx.params.id), decodeURIComponent(String(ctx.params.name)))
    return Response.json({})
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:favourites')
    await removeReaction(ctx.data.db, user.accountId, String(ctx.params.id), decodeURIComponent(String(ctx.params.name)))
    return Response.json({})
  },
})
