import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { pagedJson } from '../../../../backend/http/paged'
import { parsePage } from '../../../../backend/timelines/page'
import { listScheduled } from '../../../../backend/scheduled/scheduled'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    return pagedJson(ctx.request.url, await listScheduled(ctx.data.db, user.accountId, parsePage(url.searchParams), url.origin))
  },
})
