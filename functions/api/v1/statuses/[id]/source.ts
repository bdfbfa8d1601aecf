import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { statusSource } from '../../../../../backend/statuses/history'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:statuses')
    return Response.json(await statusSource(ctx.data.db, user.accountId, String(ctx.params.id)))
  },
})
