import { route } from '../../../backend/http/route'
import { requireUser } from '../../../backend/auth/authenticate'
import { pagedJson } from '../../../backend/http/paged'
import { originOf } from '../../../backend/instance/documents'
import { parsePage } from '../../../backend/timelines/page'
import { followedTags } from '../../../backend/tags/tags'

export const onRequest = route({
  GET: async (ctx) => {
    const auth = await requireUser(ctx, 'read:follows')
    const page = parsePage(new URL(ctx.request.url).searchParams, { limit: 100, max: 200 })
    const entries = await followedTags(ctx.data.db, auth.accountId, page, originOf(ctx.request.url).origin)
    const cursors = new Map(entries.map((e) => [e.tag.id, e.cursor]))
    return pagedJson(ctx.request.url, entries.map((e) => e.tag), (tag) => cursors.get(tag.id) ?? tag.id)
  },
})
