import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { statusHistory } from '../../../../../backend/statuses/history'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    return Response.json(await statusHistory(ctx.data.db, viewer?.accountId ?? null, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
})
