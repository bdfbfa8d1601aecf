import { requireUser } from '../../../../../backend/auth/authenticate'
import { route } from '../../../../../backend/http/route'
import { dismissAnnouncement } from '../../../../../backend/announcements/announcements'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:accounts')
    await dismissAnnouncement(ctx.data.db, user.accountId, String(ctx.params.id))
    return Response.json({})
  },
})
