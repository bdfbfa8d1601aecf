import { requireAdmin } from '../../../../../backend/auth/admin'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { readParams } from '../../../../../backend/http/body'
import { route } from '../../../../../backend/http/route'
import { createAnnouncement } from '../../../../../backend/announcements/announcements'
import { announcementPublished } from '../../../../../backend/announcements/events'

// Not a Mastodon method (Mastodon manages announcements in its admin web UI): the owner pages use it.
export const onRequest = route({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'admin:write')
    await requireAdmin(ctx.data.db, user.userId)
    const id = await createAnnouncement(ctx.data.db, await readParams(ctx.request))
    ctx.waitUntil(announcementPublished(ctx.env, ctx.data.db, id, new URL(ctx.request.url).origin))
    return Response.json({ id })
  },
})
