import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { readRequest } from '../../../../../backend/notifications/policy'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    return Response.json(await readRequest(ctx.data.db, user.accountId, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
})
