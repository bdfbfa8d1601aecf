import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { readParams } from '../../../../../backend/http/body'
import { actOnRequests } from '../../../../../backend/notifications/policy'

export const onRequest = route({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:notifications')
    await actOnRequests(ctx.env.DB, user.accountId, await readParams(ctx.request), 'dismiss')
    return Response.json({})
  },
})
