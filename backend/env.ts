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
  /**
   * LOCAL DEVELOPMENT ONLY. Comma-separated `host:port` pairs that outbound federation fetches may reach over
   * plain http even though they are loopback or private, e.g. `127.0.0.1:8788,localhost:8791` for two local
   * Herd instances or a test peer. Unset (the default) means every outbound fetch is https to a public host.
   * Never set it in a deployment: it opens exactly those addresses to anyone who can make us fetch a URL.
   */
  HERD_DEV_ALLOW_HOSTS?: string
}
