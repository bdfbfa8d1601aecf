import { route } from '../../../backend/http/route'
import { readInstanceV1 } from '../../../backend/instance/read'

export const onRequest = route({
  GET: async ({ env, data, request }) => Response.json(await readInstanceV1(env, data.db, request.url)),
})
