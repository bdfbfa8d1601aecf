import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { dismissNotification } from '../../../../../backend/notifications/read'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:notifications')
    await dismissNotification(ctx.data.db, user.accountId, String(ctx.params.id))
    return Response.json({})
  },
})
