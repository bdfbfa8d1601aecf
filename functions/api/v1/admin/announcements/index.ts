import { requireAdmin } from '../../../../../backend/auth/admin'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { readParams } from '../../../../../backend/http/body'
import { route } from '../../../../../backend/http/route'
import { createAnnouncement } from '../../../../../backend/announcements/announcements'

// Not a Mastodon method (Mastodon manages announcements in its admin web UI): the owner pages use it.
export const onRequest = route({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'admin:write')
    await requireAdmin(ctx.data.db, user.userId)
    return Response.json({ id: await createAnnouncement(ctx.data.db, await readParams(ctx.request)) })
  },
})
