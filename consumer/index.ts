import type { Env } from '../backend/env'
import { handleBatch } from '../backend/queue/consumer'
import { runCron } from '../backend/queue/cron'
import type { QueueMessage } from '../backend/queue/messages'

export default {
  queue: (batch, env) => handleBatch(batch, env),
  // Pages Functions have no Cron Triggers: the consumer Worker runs the once-a-minute work.
  scheduled: async (_controller, env, ctx) => {
    await runCron(env, (p) => ctx.waitUntil(p))
  },
} satisfies ExportedHandler<Env, QueueMessage>
