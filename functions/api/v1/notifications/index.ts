import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { listNotifications } from '../../../../backend/notifications/read'
import { linkHeader, parsePage } from '../../../../backend/timelines/page'
import { isId } from '../../../../backend/ids'
import { flag } from '../../../../backend/http/paged'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    const url = new URL(ctx.request.url)
    const q = url.searchParams
    const account = q.get('account_id')
    const filter = {
      types: q.getAll('types[]').concat(q.getAll('types')),
      excludeTypes: q.getAll('exclude_types[]').concat(q.getAll('exclude_types')),
      // An id that cannot exist matches nothing, as an unknown account does.
      accountId: account === null || account === '' ? null : isId(account) ? account : '0',
      includeFiltered: flag(q, 'include_filtered'),
    }
    // Mastodon's notifications: 40 by default, at most 80.
    const page = await listNotifications(ctx.data.db, user.accountId, filter, parsePage(q, { limit: 40, max: 80 }), url.origin)
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return Response.json(page.notifications, { headers: link ? { Link: link } : {} })
  },
})
