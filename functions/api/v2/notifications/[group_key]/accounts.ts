import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { groupAccounts } from '../../../../../backend/notifications/groups'
import { linkHeader, parsePage } from '../../../../../backend/timelines/page'

export const onRequest = route<'group_key'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    const url = new URL(ctx.request.url)
    const page = parsePage(url.searchParams, { limit: 40, max: 80 })
    const { accounts } = await groupAccounts(ctx.data.db, user.accountId, String(ctx.params.group_key), page.maxId, page.limit, url.origin)
    const link = accounts.length > 0 ? linkHeader(ctx.request.url, accounts[0]?.cursor, accounts[accounts.length - 1]?.cursor) : null
    return Response.json(
      accounts.map(({ cursor: _, ...a }) => a),
      { headers: link ? { Link: link } : {} },
    )
  },
})
