import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { originOf } from '../../../../../backend/instance/documents'
import { unfollowTag } from '../../../../../backend/tags/tags'

export const onRequest = route<'name'>({
  POST: async (ctx) => {
    const auth = await requireUser(ctx, 'write:follows')
    return Response.json(await unfollowTag(ctx.data.db, auth.accountId, String(ctx.params.name), originOf(ctx.request.url).origin))
  },
})
