// Relays find a new PDS only when asked: com.atproto.sync.requestCrawl, sent to each configured relay
// from the queue consumer after an account opts in.
import type { Env } from '../env'
import { policyFromEnv, safeFetch } from '../federation/safe-fetch'

export const DEFAULT_RELAYS = 'https://bsky.network'

export function relays(env: Pick<Env, 'ATPROTO_RELAYS'>): string[] {
  return (env.ATPROTO_RELAYS ?? DEFAULT_RELAYS)
    .split(',')
    .map((r) => r.trim().replace(/\/+$/, ''))
    .filter((r) => r !== '')
}

/**
 * Asks every relay to crawl `hostname`. Asking twice is harmless, so a failure throws and the whole
 * message is retried; the relays that had answered are simply asked again.
 */
export async function requestCrawl(env: Pick<Env, 'ATPROTO_RELAYS' | 'HERD_DEV_ALLOW_HOSTS'>, hostname: string): Promise<void> {
  const failures: string[] = []
  for (const relay of relays(env)) {
    try {
      const res = await safeFetch(
        `${relay}/xrpc/com.atproto.sync.requestCrawl`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ hostname }) },
        policyFromEnv(env, { maxBytes: 16 * 1024, timeoutMs: 10_000 }),
      )
      if (res.status < 200 || res.status >= 300) failures.push(`${relay}: ${res.status}`)
    } catch (err) {
      failures.push(`${relay}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  if (failures.length > 0) throw new Error(`requestCrawl failed: ${failures.join('; ')}`)
}
