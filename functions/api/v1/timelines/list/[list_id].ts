import { requireUser } from '../../../../../backend/auth/authenticate'
import { pagedJson } from '../../../../../backend/http/paged'
import { route } from '../../../../../backend/http/route'
import { listTimeline } from '../../../../../backend/lists/timeline'
import { parsePage } from '../../../../../backend/timelines/page'

export const onRequest = route<'list_id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:lists')
    const url = new URL(ctx.request.url)
    return pagedJson(ctx.request.url, await listTimeline(ctx.data.db, user.accountId, String(ctx.params.list_id), parsePage(url.searchParams), url.origin))
  },
})
