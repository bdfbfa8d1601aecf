import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { createApp } from '../../../../backend/oauth/apps'
import { vapidPublicKey } from '../../../../backend/push/vapid'

export const onRequest = route({
  POST: async ({ request, data, env }) => Response.json(await createApp(data.db, await readParams(request), await vapidPublicKey(env))),
})
