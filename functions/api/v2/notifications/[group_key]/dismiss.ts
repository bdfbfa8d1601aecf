import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { dismissGroup } from '../../../../../backend/notifications/groups'

export const onRequest = route<'group_key'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:notifications')
    await dismissGroup(ctx.data.db, user.accountId, String(ctx.params.group_key))
    return Response.json({})
  },
})
