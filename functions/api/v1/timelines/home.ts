import { route } from '../../../../backend/http/route'
import { pagedJson } from '../../../../backend/http/paged'
import { parsePage } from '../../../../backend/timelines/page'
import { homeTimeline } from '../../../../backend/mastodon/reads'
import { requireUser } from '../../../../backend/auth/authenticate'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    return pagedJson(ctx.request.url, await homeTimeline(ctx.data.db, user.accountId, parsePage(url.searchParams), url.origin))
  },
})
