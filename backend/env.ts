import type { CacheObject } from '../do/cache-object'
import type { RepoObject } from '../do/repo-object'
import type { QueueMessage } from './queue/messages'

/** Bindings and variables shared by the Pages Functions, the consumer and the frontend. */
export interface Env {
  DB: D1Database
  QUEUE: Queue<QueueMessage>
  CACHE: DurableObjectNamespace<CacheObject>
  /** The AT Protocol repositories and their firehose (one object: `repoObject(env)`). */
  REPO: DurableObjectNamespace<RepoObject>
  KV: KVNamespace
  MEDIA: R2Bucket
  /** When "1", responses carry D1 cost headers. Local development and tests only. */
  HERD_EXPOSE_METRICS?: string
}
