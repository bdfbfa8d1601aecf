import { route } from '../../../backend/http/route'
import { originOf } from '../../../backend/instance/documents'
import { localCustomEmojis } from '../../../backend/instance/custom-emojis'

export const onRequest = route({
  GET: async ({ request, data }) => Response.json(await localCustomEmojis(data.db, originOf(request.url).origin)),
})
