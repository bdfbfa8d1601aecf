import { route } from '../../../../backend/http/route'
import { pagedJson } from '../../../../backend/http/paged'
import { parsePage } from '../../../../backend/timelines/page'
import { linkTimeline } from '../../../../backend/mastodon/reads'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { originOf } from '../../../../backend/instance/documents'
import { badRequest } from '../../../../backend/http/errors'

export const onRequest = route({
  GET: async (ctx) => {
    const { request, data } = ctx
    const viewer = await optionalUser(ctx, 'read:statuses')
    const query = new URL(request.url).searchParams
    const url = query.get('url')
    if (url === null || url === '') throw badRequest('url is missing')
    const statuses = await linkTimeline(data.db, url, parsePage(query), originOf(request.url).origin, viewer?.accountId ?? null)
    return pagedJson(request.url, statuses)
  },
})
