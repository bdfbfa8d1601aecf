// Delivery health per remote host (the `peers` table). A host that has failed without a single success
// for more than UNREACHABLE_AFTER_MS is marked unreachable and skipped, except for one probe delivery a
// day; any success (a probe, or an inbound activity from it: recordPeerSuccess) clears the mark.

/** Failing continuously for longer than this marks a host unreachable. */
export const UNREACHABLE_AFTER_MS = 3 * 24 * 3600 * 1000
/** An unreachable host still gets one delivery attempt after this long without one, as a probe. */
export const PROBE_EVERY_MS = 24 * 3600 * 1000
/** A healthy host's success is written at most this often, so steady traffic costs no D1 writes. */
const SUCCESS_WRITE_EVERY_MS = 3600 * 1000

/** The `peers` key of an inbox or actor URL: its host, with the port when it has one. */
export function peerOf(url: string): string {
  return new URL(url).host.toLowerCase()
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Of the given hosts, those to skip now: marked unreachable and attempted within the probe interval. */
export async function hostsToSkip(d1: D1Database, now = Date.now()): Promise<Set<string>> {
  const rows = await d1
    .prepare('SELECT domain FROM peers WHERE unreachable = 1 AND last_failure_at > ?')
    .bind(iso(now - PROBE_EVERY_MS))
    .all<{ domain: string }>()
  return new Set(rows.results.map((r) => r.domain))
}

// Deliveries come in runs to the same few hosts. An isolate keeps the skip list for a minute and skips
// success writes it made within the hour, so a steady stream of deliveries costs no D1 queries at all.
const SKIP_LIST_TTL_MS = 60 * 1000
let skipList: { at: number; hosts: Promise<Set<string>> } | null = null
const successWritten = new Map<string, number>()

export async function isSkipped(d1: D1Database, host: string, now = Date.now()): Promise<boolean> {
  if (skipList === null || now - skipList.at > SKIP_LIST_TTL_MS) {
    const hosts = hostsToSkip(d1, now)
    skipList = { at: now, hosts }
    hosts.catch(() => (skipList = null))
  }
  return (await skipList.hosts).has(host)
}

/** The host answered: clear its failures. Writes only when something changes or the last write is old. */
export async function recordPeerSuccess(d1: D1Database, host: string, now = Date.now()): Promise<void> {
  const last = successWritten.get(host)
  if (last !== undefined && now - last < SUCCESS_WRITE_EVERY_MS) return
  if (successWritten.size > 10_000) successWritten.clear()
  await d1
    .prepare(
      `INSERT INTO peers (domain, last_success_at) VALUES (?1, ?2)
       ON CONFLICT (domain) DO UPDATE SET last_success_at = ?2, failures = 0, first_failure_at = NULL, unreachable = 0
       WHERE peers.failures > 0 OR peers.unreachable = 1 OR peers.last_success_at IS NULL OR peers.last_success_at < ?3`,
    )
    .bind(host, iso(now), iso(now - SUCCESS_WRITE_EVERY_MS))
    .run()
  successWritten.set(host, now)
  // It may have been on the skip list this isolate holds.
  skipList = null
}

/** The host failed (network error, timeout, 5xx, 429): count it, and mark it once it has failed for days. */
export async function recordPeerFailure(d1: D1Database, host: string, now = Date.now()): Promise<void> {
  // The next success must be written, to clear this failure.
  successWritten.delete(host)
  await d1
    .prepare(
      `INSERT INTO peers (domain, first_failure_at, last_failure_at, failures) VALUES (?1, ?2, ?2, 1)
       ON CONFLICT (domain) DO UPDATE SET
         failures = peers.failures + 1,
         first_failure_at = COALESCE(peers.first_failure_at, ?2),
         last_failure_at = ?2,
         unreachable = CASE WHEN COALESCE(peers.first_failure_at, ?2) < ?3 THEN 1 ELSE peers.unreachable END`,
    )
    .bind(host, iso(now), iso(now - UNREACHABLE_AFTER_MS))
    .run()
}
