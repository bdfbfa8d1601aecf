import { route } from '../../../../../backend/http/route'
import { flag, pagedJson } from '../../../../../backend/http/paged'
import { parsePage } from '../../../../../backend/timelines/page'
import { tagTimeline } from '../../../../../backend/mastodon/reads'
import { originOf } from '../../../../../backend/instance/documents'
import { optionalUser } from '../../../../../backend/auth/authenticate'

export const onRequest = route<'hashtag'>({
  GET: async (ctx) => {
    const { request, data, params } = ctx
    const viewer = await optionalUser(ctx, 'read:statuses')
    const query = new URL(request.url).searchParams
    const scope = flag(query, 'local') ? 'local' : flag(query, 'remote') ? 'remote' : 'all'
    const statuses = await tagTimeline(data.db, String(params.hashtag), scope, parsePage(query), originOf(request.url).origin, viewer?.accountId ?? null)
    return pagedJson(request.url, statuses)
  },
})
