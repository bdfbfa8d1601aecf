import { sha256Hex } from '../auth/secrets'
import { cached } from '../cache/client'
import type { Db } from '../db/client'
import type { Env } from '../env'
import { plainTextToHtml } from '../federation/html-entities'
import { sanitizeHtml } from '../federation/sanitize-html'
import { CACHE_SHARD, getSettings } from './settings'

/** Peers change slowly and the list can be long: it is built at most once an hour. */
const PEERS_TTL_SECONDS = 3600
const ACTIVITY_WEEKS = 12

/** GET /api/v1/instance/peers: every domain we know an account on, except suspended ones. */
export function peers(env: Pick<Env, 'CACHE'>, db: Db): Promise<string[]> {
  return cached(
    env,
    CACHE_SHARD,
    'peers',
    async () => {
      const rows = await db
        .selectFrom('accounts')
        .select('domain')
        .distinct()
        .where('domain', '<>', '')
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('instance_domain_blocks as b').select('b.domain').whereRef('b.domain', '=', 'accounts.domain').where('b.severity', '=', 'suspend'))),
        )
        .execute()
      return rows.map((r) => r.domain).sort()
    },
    PEERS_TTL_SECONDS,
  )
}

/** Monday 00:00 UTC of the week containing `ms`, as SQLite's `date(x, '-6 days', 'weekday 1')` gives it. */
export function weekStart(ms: number): string {
  const d = new Date(ms)
  const day = (d.getUTCDay() + 6) % 7
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10)
}

/** GET /api/v1/instance/activity: the last 12 weeks, newest first, read from counters (12 rows). */
export async function activity(db: Db, now = Date.now()) {
  const weeks = Array.from({ length: ACTIVITY_WEEKS }, (_, i) => weekStart(now - i * 7 * 86_400_000))
  const rows = await db.selectFrom('instance_activity').selectAll().where('week', 'in', weeks).execute()
  const byWeek = new Map(rows.map((r) => [r.week, r]))
  return weeks.map((week) => {
    const r = byWeek.get(week)
    return {
      week: String(Date.parse(`${week}T00:00:00Z`) / 1000),
      statuses: String(r?.statuses ?? 0),
      logins: String(r?.logins ?? 0),
      registrations: String(r?.registrations ?? 0),
    }
  })
}

export async function rules(env: Pick<Env, 'CACHE'>, db: Db) {
  return (await getSettings(env, db)).rules
}

/** The owner's description as HTML: kept HTML is sanitized, plain text becomes paragraphs. */
export function descriptionHtml(text: string): string {
  return /<[a-z][^>]*>/i.test(text) ? sanitizeHtml(text) : plainTextToHtml(text)
}

export async function extendedDescription(env: Pick<Env, 'CACHE'>, db: Db) {
  const s = await getSettings(env, db)
  return { updated_at: s.updatedAt, content: descriptionHtml(s.description) }
}

/** GET /api/v1/instance/domain_blocks: published with their public comment, as Mastodon does. */
export async function publicDomainBlocks(db: Db) {
  const rows = await db.selectFrom('instance_domain_blocks').select(['domain', 'severity', 'public_comment']).orderBy('domain').execute()
  return Promise.all(rows.map(async (r) => ({ domain: r.domain, digest: await sha256Hex(r.domain), severity: r.severity, comment: r.public_comment })))
}
