import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { unreblog } from '../../../../../backend/statuses/reblog'
import { writerOf } from '../../../../../backend/statuses/writer'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    return Response.json(await unreblog(writerOf(ctx), user.accountId, String(ctx.params.id)))
  },
})
