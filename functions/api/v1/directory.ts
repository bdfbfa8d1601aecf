import { route } from '../../../backend/http/route'
import { flag } from '../../../backend/http/paged'
import { directory, parseOffsetPage } from '../../../backend/accounts/discovery'

export const onRequest = route({
  GET: async ({ request, data }) => {
    const url = new URL(request.url)
    const order = url.searchParams.get('order') === 'new' ? 'new' : 'active'
    return Response.json(await directory(data.db, { order, local: flag(url.searchParams, 'local'), page: parseOffsetPage(url.searchParams) }, url.origin))
  },
})
