import { route } from '../../../backend/http/route'
import { readInstanceV2 } from '../../../backend/instance/read'

export const onRequest = route({
  GET: async ({ env, data, request }) => Response.json(await readInstanceV2(env, data.db, request.url)),
})
