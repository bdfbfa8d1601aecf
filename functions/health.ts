import { route } from '../backend/http/route'
import { checkHealth } from '../backend/health'

export const onRequest = route({
  GET: async ({ env, data }) => {
    const health = await checkHealth(env, data.db)
    return Response.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
  },
})
