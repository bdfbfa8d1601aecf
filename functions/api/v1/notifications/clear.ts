import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { clearNotifications } from '../../../../backend/notifications/read'

export const onRequest = route({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:notifications')
    await clearNotifications(ctx.data.db, user.accountId)
    return Response.json({})
  },
})
