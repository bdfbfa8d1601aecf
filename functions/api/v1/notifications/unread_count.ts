import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { UNREAD_DEFAULT, UNREAD_MAX, unreadCount } from '../../../../backend/notifications/read'
import { parsePage } from '../../../../backend/timelines/page'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    const { limit } = parsePage(new URL(ctx.request.url).searchParams, { limit: UNREAD_DEFAULT, max: UNREAD_MAX })
    return Response.json({ count: await unreadCount(ctx.data.db, user.accountId, limit) })
  },
})
