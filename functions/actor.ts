import { ensureInstanceActor, renderInstanceActor } from '../backend/federation/instance-actor'
import { activityResponse } from '../backend/federation/serve'
import { route } from '../backend/http/route'

export const onRequest = route({
  GET: async ({ request, env, data }) => {
    const origin = new URL(request.url).origin
    return activityResponse(renderInstanceActor(await ensureInstanceActor(env, data.db, origin), origin), { 'Cache-Control': 'max-age=300' })
  },
})
