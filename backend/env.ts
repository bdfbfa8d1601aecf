import type { CacheObject } from '../do/cache-object'
import type { QueueMessage } from './queue/messages'

/** Bindings and variables shared by the Pages Functions, the consumer and the frontend. */
export interface Env {
  DB: D1Database
  QUEUE: Queue<QueueMessage>
  CACHE: DurableObjectNamespace<CacheObject>
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
  // Set by the deploy (tf/secrets.tf, tf/bindings.tf); absent in local development.
  /** Key-encryption key for private keys at rest: 32 random bytes, base64. */
  HERD_KEK?: string
  /** Web Push VAPID private key, P-256, PKCS#8 PEM; the public key is derived from it. */
  VAPID_PRIVATE_KEY?: string
  /** Zero Trust team domain, when the admin pages are behind Access. */
  ACCESS_TEAM_DOMAIN?: string
  /** Audience tag of the Access application, when the admin pages are behind Access. */
  ACCESS_AUD?: string
}
