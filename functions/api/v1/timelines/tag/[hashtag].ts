import { route } from '../../../../../backend/http/route'
import { flag, pagedJson } from '../../../../../backend/http/paged'
import { parsePage } from '../../../../../backend/timelines/page'
import { tagTimeline } from '../../../../../backend/mastodon/reads'
import { originOf } from '../../../../../backend/instance/documents'

export const onRequest = route<'hashtag'>({
  GET: async ({ request, data, params }) => {
    const query = new URL(request.url).searchParams
    const scope = flag(query, 'local') ? 'local' : flag(query, 'remote') ? 'remote' : 'all'
    const statuses = await tagTimeline(data.db, String(params.hashtag), scope, parsePage(query), originOf(request.url).origin)
    return pagedJson(request.url, statuses)
  },
})
