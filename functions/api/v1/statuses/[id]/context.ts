import { route } from '../../../../../backend/http/route'
import { publicContext } from '../../../../../backend/mastodon/reads'
import { originOf } from '../../../../../backend/instance/documents'

export const onRequest = route<'id'>({
  GET: async ({ request, data, params }) => Response.json(await publicContext(data.db, String(params.id), originOf(request.url).origin)),
})
