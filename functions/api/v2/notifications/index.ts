import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { badRequest } from '../../../../backend/http/errors'
import { DEFAULT_GROUPED_TYPES, groupedJson, listGroups, typeList } from '../../../../backend/notifications/groups'
import { linkHeader, parsePage } from '../../../../backend/timelines/page'
import { isId } from '../../../../backend/ids'
import { flag } from '../../../../backend/http/paged'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    const url = new URL(ctx.request.url)
    const q = url.searchParams
    const account = q.get('account_id')
    const grouped = typeList(q, 'grouped_types')
    const expand = q.get('expand_accounts') ?? 'full'
    if (expand !== 'full' && expand !== 'partial_avatars') throw badRequest('expand_accounts must be full or partial_avatars')
    const filter = {
      types: typeList(q, 'types'),
      excludeTypes: typeList(q, 'exclude_types'),
      // An id that cannot exist matches nothing, as an unknown account does.
      accountId: account === null || account === '' ? null : isId(account) ? account : '0',
      includeFiltered: flag(q, 'include_filtered'),
      groupedTypes: q.has('grouped_types[]') || q.has('grouped_types') ? grouped : DEFAULT_GROUPED_TYPES,
    }
    // Mastodon's grouped notifications: 40 groups by default, at most 80.
    const page = await listGroups(ctx.data.db, user.accountId, filter, parsePage(q, { limit: 40, max: 80 }), url.origin, expand === 'partial_avatars')
    const link = linkHeader(ctx.request.url, page.newest, page.oldest)
    return groupedJson(page.results, link ? { Link: link } : {})
  },
})
