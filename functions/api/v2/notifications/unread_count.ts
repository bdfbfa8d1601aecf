import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { UNREAD_DEFAULT, UNREAD_MAX } from '../../../../backend/notifications/read'
import { DEFAULT_GROUPED_TYPES, typeList, unreadGroupCount } from '../../../../backend/notifications/groups'
import { parsePage } from '../../../../backend/timelines/page'
import { isId } from '../../../../backend/ids'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    const q = new URL(ctx.request.url).searchParams
    const { limit } = parsePage(q, { limit: UNREAD_DEFAULT, max: UNREAD_MAX })
    const account = q.get('account_id')
    const filter = {
      types: typeList(q, 'types'),
      excludeTypes: typeList(q, 'exclude_types'),
      accountId: account === null || account === '' ? null : isId(account) ? account : '0',
      groupedTypes: q.has('grouped_types[]') || q.has('grouped_types') ? typeList(q, 'grouped_types') : DEFAULT_GROUPED_TYPES,
    }
    return Response.json({ count: await unreadGroupCount(ctx.data.db, user.accountId, filter, limit) })
  },
})
