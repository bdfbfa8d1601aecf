import { route } from '../../../../../backend/http/route'
import { flag, pagedJson } from '../../../../../backend/http/paged'
import { parsePage } from '../../../../../backend/timelines/page'
import { publicAccountStatuses } from '../../../../../backend/mastodon/reads'
import { originOf } from '../../../../../backend/instance/documents'
import { optionalUser } from '../../../../../backend/auth/authenticate'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const { request, data, params } = ctx
    const viewer = await optionalUser(ctx, 'read:statuses')
    const query = new URL(request.url).searchParams
    const options = {
      excludeReplies: flag(query, 'exclude_replies'),
      excludeReblogs: flag(query, 'exclude_reblogs'),
      onlyMedia: flag(query, 'only_media'),
      tagged: query.get('tagged') || null,
      pinned: flag(query, 'pinned'),
    }
    const statuses = await publicAccountStatuses(data.db, String(params.id), options, parsePage(query), originOf(request.url).origin, viewer?.accountId ?? null)
    return pagedJson(request.url, statuses)
  },
})
