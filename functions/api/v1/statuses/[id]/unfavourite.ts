import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { unfavourite } from '../../../../../backend/statuses/actions'
import { writerOf } from '../../../../../backend/statuses/writer'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:favourites')
    return Response.json(await unfavourite(writerOf(ctx), user.accountId, String(ctx.params.id)))
  },
})
