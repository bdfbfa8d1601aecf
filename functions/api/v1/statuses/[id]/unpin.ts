import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { unpin } from '../../../../../backend/statuses/actions'
import { writerOf } from '../../../../../backend/statuses/writer'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:accounts')
    return Response.json(await unpin(writerOf(ctx), user.accountId, String(ctx.params.id)))
  },
})
