import { route } from '../../backend/http/route'
import { notFound } from '../../backend/http/errors'
import { runCron } from '../../backend/queue/cron'

// LOCAL DEVELOPMENT ONLY. `wrangler pages dev` cannot fire the consumer's Cron Trigger (its
// /cdn-cgi/handler/scheduled reaches only the Pages project), so the local launcher (scripts/local-stack.ts)
// POSTs here once a minute instead. Deployed, HERD_DEV_CRON is unset and this is a 404; the real trigger
// runs the same runCron in the consumer Worker.
export const onRequest = route({
  POST: async (ctx) => {
    if (ctx.env.HERD_DEV_CRON !== '1') throw notFound()
    return Response.json(await runCron(ctx.env, (p) => ctx.waitUntil(p)))
  },
})
