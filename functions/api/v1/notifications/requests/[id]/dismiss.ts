import { route } from '../../../../../../backend/http/route'
import { requireUser } from '../../../../../../backend/auth/authenticate'
import { actOnRequest } from '../../../../../../backend/notifications/policy'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:notifications')
    await actOnRequest(ctx.env.DB, user.accountId, String(ctx.params.id), 'dismiss')
    return Response.json({})
  },
})
