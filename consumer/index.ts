import type { Env } from '../backend/env'
import { handleBatch } from '../backend/queue/consumer'
import type { QueueMessage } from '../backend/queue/messages'

export default {
  queue: (batch, env) => handleBatch(batch, env),
} satisfies ExportedHandler<Env, QueueMessage>
