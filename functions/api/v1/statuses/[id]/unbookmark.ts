import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { unbookmark } from '../../../../../backend/statuses/actions'
import { writerOf } from '../../../../../backend/statuses/writer'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:bookmarks')
    return Response.json(await unbookmark(writerOf(ctx), user.accountId, String(ctx.params.id)))
  },
})
