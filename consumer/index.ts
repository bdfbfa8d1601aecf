import type { Env } from '../backend/env'
import { handleBatch } from '../backend/queue/consumer'
import type { QueueMessage } from '../backend/queue/messages'
import { handleHostRequest } from '../backend/atproto/identity-host'

export default {
  queue: (batch, env) => handleBatch(batch, env),
  // Only Bluesky handle host names reach this Worker over HTTP (the route in tf/atproto.tf).
  fetch: (request, env) => handleHostRequest(request, env),
} satisfies ExportedHandler<Env, QueueMessage>
