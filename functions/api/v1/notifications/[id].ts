import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readNotification } from '../../../../backend/notifications/read'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    return Response.json(await readNotification(ctx.data.db, user.accountId, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
})
