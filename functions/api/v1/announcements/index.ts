import { requireUser } from '../../../../backend/auth/authenticate'
import { flag } from '../../../../backend/http/paged'
import { route } from '../../../../backend/http/route'
import { listAnnouncements } from '../../../../backend/announcements/announcements'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read')
    const url = new URL(ctx.request.url)
    return Response.json(await listAnnouncements(ctx.env, ctx.data.db, user.accountId, flag(url.searchParams, 'with_dismissed'), url.origin))
  },
})
