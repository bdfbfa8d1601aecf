import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { removeConversation } from '../../../../backend/conversations/read'

export const onRequest = route<'id'>({
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:conversations')
    await removeConversation(ctx.data.db, user.accountId, String(ctx.params.id))
    return Response.json({})
  },
})
