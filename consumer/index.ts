import type { Env } from '../backend/env'
import { handleBatch } from '../backend/queue/consumer'
import { runCron } from '../backend/queue/cron'
import type { QueueMessage } from '../backend/queue/messages'
import { handleHostRequest } from '../backend/atproto/identity-host'

export default {
  queue: (batch, env) => handleBatch(batch, env),
  // Pages Functions have no Cron Triggers: the consumer Worker runs the once-a-minute work.
  scheduled: async (_controller, env, ctx) => {
    await runCron(env, (p) => ctx.waitUntil(p))
  },
  // Only Bluesky handle host names reach this Worker over HTTP (the route in tf/atproto.tf).
  fetch: (request, env) => handleHostRequest(request, env),
} satisfies ExportedHandler<Env, QueueMessage>
