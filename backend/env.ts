import type { CacheObject } from '../do/cache-object'
import type { RepoObject } from '../do/repo-object'
import type { StreamingObject } from '../do/streaming-object'
import type { QueueMessage } from './queue/messages'

/** Bindings and variables shared by the Pages Functions, the consumer and the frontend. */
export interface Env {
  DB: D1Database
  QUEUE: Queue<QueueMessage>
  CACHE: DurableObjectNamespace<CacheObject>
  /** The AT Protocol repositories and their firehose (one object: `repoObject(env)`). */
  REPO: DurableObjectNamespace<RepoObject>
  /** The streaming API's sockets, in shards by account (backend/streaming/shards.ts). */
  STREAMING: DurableObjectNamespace<StreamingObject>
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
  /**
   * LOCAL DEVELOPMENT ONLY. "1" opens POST /dev/cron, which the local launcher calls once a minute because
   * `wrangler pages dev` cannot fire the consumer's Cron Trigger. Never set in a deployment.
   */
  HERD_DEV_CRON?: string
  /**
   * Secret: the key-encryption key for local accounts' private keys, 32 random bytes in base64 or
   * base64url (`openssl rand -base64 32`). Set with `wrangler pages secret put HERD_KEK`. Losing it
   * makes every stored private key unreadable. `npm start` generates one into
   * .wrangler/state/dev-secrets.json. Never logged, queued or returned.
   */
  HERD_KEK?: string
  /**
   * How people sign in: "builtin" (email and password stored here) or "access" (Cloudflare Zero
   * Trust Access in front of the login paths). Unset: logins are refused with an explanation.
   */
  HERD_LOGIN?: string
  /** Access team domain, e.g. "myteam.cloudflareaccess.com" (with HERD_LOGIN=access). */
  ACCESS_TEAM_DOMAIN?: string
  /** Access application audience tag (AUD) (with HERD_LOGIN=access). */
  ACCESS_AUD?: string
  /** Tests only: where to fetch the Access JWKS instead of https://<team>/cdn-cgi/access/certs. */
  HERD_DEV_ACCESS_JWKS_URL?: string
  /** The did:plc directory new Bluesky identities are registered with. Default https://plc.directory. */
  ATPROTO_PLC_URL?: string
  /** Comma-separated relay origins asked to crawl this host when an account opts in. Default https://bsky.network. */
  ATPROTO_RELAYS?: string
  /** DNS-over-HTTPS (JSON API) resolver for verifying custom handles' _atproto TXT records. Default https://cloudflare-dns.com/dns-query. */
  ATPROTO_DNS_RESOLVER?: string
  /** Web Push VAPID private key, P-256, PKCS#8 PEM, set by the deploy (tf/secrets.tf); the public key is derived from it. */
  VAPID_PRIVATE_KEY?: string
}
