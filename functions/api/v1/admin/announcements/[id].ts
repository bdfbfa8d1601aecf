import { requireAdmin } from '../../../../../backend/auth/admin'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { route } from '../../../../../backend/http/route'
import { deleteAnnouncement } from '../../../../../backend/announcements/announcements'
import { announcementDeleted } from '../../../../../backend/announcements/events'

export const onRequest = route<'id'>({
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'admin:write')
    await requireAdmin(ctx.data.db, user.userId)
    await deleteAnnouncement(ctx.data.db, String(ctx.params.id))
    ctx.waitUntil(announcementDeleted(ctx.env, String(ctx.params.id)))
    return Response.json({})
  },
})
