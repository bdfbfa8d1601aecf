import { route } from '../../../../backend/http/route'
import { flag, pagedJson } from '../../../../backend/http/paged'
import { parsePage } from '../../../../backend/timelines/page'
import { publicTimeline } from '../../../../backend/mastodon/reads'
import { originOf } from '../../../../backend/instance/documents'
import { optionalUser } from '../../../../backend/auth/authenticate'

export const onRequest = route({
  GET: async (ctx) => {
    const { request, data } = ctx
    const viewer = await optionalUser(ctx, 'read:statuses')
    const params = new URL(request.url).searchParams
    const scope = flag(params, 'local') ? 'local' : flag(params, 'remote') ? 'remote' : 'all'
    const statuses = await publicTimeline(data.db, scope, flag(params, 'only_media'), parsePage(params), originOf(request.url).origin, viewer?.accountId ?? null)
    return pagedJson(request.url, statuses)
  },
})
