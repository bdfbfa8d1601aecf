import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { groupedJson, readGroup } from '../../../../backend/notifications/groups'

export const onRequest = route<'group_key'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    return groupedJson(await readGroup(ctx.data.db, user.accountId, String(ctx.params.group_key), new URL(ctx.request.url).origin))
  },
})
