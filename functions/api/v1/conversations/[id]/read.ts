import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { markConversationRead } from '../../../../../backend/conversations/read'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:conversations')
    return Response.json(await markConversationRead(ctx.data.db, user.accountId, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
})
