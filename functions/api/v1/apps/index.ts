import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { createApp } from '../../../../backend/oauth/apps'

export const onRequest = route({
  POST: async ({ request, data }) => Response.json(await createApp(data.db, await readParams(request))),
})
