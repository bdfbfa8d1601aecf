import { route } from '../../backend/http/route'
import { nodeInfoLinks } from '../../backend/instance/read'
import { originOf } from '../../backend/instance/documents'

export const onRequest = route({
  GET: ({ request }) => Response.json(nodeInfoLinks(originOf(request.url))),
})
