import type { Db } from '../db/client'
import type { Env } from '../env'
import { cached, errorMessage, invalidate } from '../cache/client'
import { unprocessable } from '../http/errors'
import { contactAccountRow } from '../accounts/read'
import type { AccountRow } from '../mastodon/account'

export interface InstanceRule {
  id: string
  text: string
  hint: string
}

/** What the owner configures: stored in D1, cached in the CacheObject. */
export interface InstanceSettings {
  title: string
  shortDescription: string
  description: string
  contactEmail: string
  thumbnailUrl: string | null
  languages: string[]
  registrationsMode: 'open' | 'approval' | 'closed'
  rules: InstanceRule[]
  updatedAt: string
}

export interface InstanceCounts {
  localAccounts: number
  localStatuses: number
  knownDomains: number
}

export const CACHE_SHARD = 'instance'
const CACHE_KEY = 'settings'

export async function loadSettingsFromDb(db: Db): Promise<InstanceSettings> {
  const [row, rules] = await Promise.all([
    db.selectFrom('instance_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow(),
    db.selectFrom('instance_rules').select(['id', 'text', 'hint']).orderBy('position').orderBy('id').execute(),
  ])
  return {
    title: row.title,
    shortDescription: row.short_description,
    description: row.description,
    contactEmail: row.contact_email,
    thumbnailUrl: row.thumbnail_url,
    languages: parseLanguages(row.languages),
    registrationsMode: row.registrations_mode,
    rules: rules.map((r) => ({ id: String(r.id), text: r.text, hint: r.hint })),
    updatedAt: row.updated_at,
  }
}

export function getSettings(env: Pick<Env, 'CACHE'>, db: Db): Promise<InstanceSettings> {
  return cached(env, CACHE_SHARD, CACHE_KEY, () => loadSettingsFromDb(db))
}

export async function getCounts(db: Db): Promise<InstanceCounts> {
  const rows = await db.selectFrom('instance_counters').select(['name', 'value']).execute()
  const get = (name: string): number => rows.find((r) => r.name === name)?.value ?? 0
  return { localAccounts: get('local_accounts'), localStatuses: get('local_statuses'), knownDomains: get('known_domains') }
}

export interface ActiveUsers {
  month: number
  halfyear: number
}

/** What the instance documents report that changes with use: totals, active users, and the contact account. */
export interface InstanceStats {
  counts: InstanceCounts
  active: ActiveUsers
  contact: AccountRow | null
}

export const STATS_KEY = 'stats'
/**
 * Figures that change with every post are read from the cache for up to a minute (as Mastodon
 * does), so serving instance documents and NodeInfo, which crawlers poll, costs no D1 reads.
 */
const STATS_TTL_SECONDS = 60

/** Local accounts active in the last 30 and 180 days, in one indexed range read. */
export async function countActiveLocalAccounts(db: Db, now = Date.now()): Promise<ActiveUsers> {
  const month = new Date(now - 30 * 86_400_000).toISOString()
  const halfyear = new Date(now - 180 * 86_400_000).toISOString()
  const row = await db
    .selectFrom('accounts')
    .select((eb) => [
      eb.fn.countAll<number>().as('halfyear'),
      eb.fn.sum<number>(eb.case().when('last_active_at', '>=', month).then(1).else(0).end()).as('month'),
    ])
    .where('domain', '=', '')
    .where('last_active_at', '>=', halfyear)
    .executeTakeFirstOrThrow()
  return { month: Number(row.month ?? 0), halfyear: Number(row.halfyear) }
}

export async function loadStatsFromDb(db: Db): Promise<InstanceStats> {
  const [counts, active, contact] = await Promise.all([getCounts(db), countActiveLocalAccounts(db), contactAccountRow(db)])
  return { counts, active, contact }
}

export function getStats(env: Pick<Env, 'CACHE'>, db: Db): Promise<InstanceStats> {
  return cached(env, CACHE_SHARD, STATS_KEY, () => loadStatsFromDb(db), STATS_TTL_SECONDS)
}

/**
 * For writes that change the stats at once and rarely, such as a new account (maybe the contact).
 * The stats may lag by their TTL anyway, so a cache that is down does not fail the sign-up: logged.
 */
export async function invalidateStats(env: Pick<Env, 'CACHE'>): Promise<void> {
  try {
    await invalidate(env, CACHE_SHARD, STATS_KEY)
  } catch (err) {
    console.warn('instance stats not invalidated; they catch up within their TTL', errorMessage(err))
  }
}

export interface SettingsPatch {
  title?: string
  shortDescription?: string
  description?: string
  contactEmail?: string
  thumbnailUrl?: string | null
  languages?: string[]
  registrationsMode?: InstanceSettings['registrationsMode']
  /** Replaces the whole rule list, in order. */
  rules?: Array<{ text: string; hint?: string }>
}

/**
 * Changes the instance settings in one D1 batch, then invalidates the cached copy before
 * returning, so the next read anywhere sees the change.
 */
export async function updateSettings(env: Pick<Env, 'CACHE' | 'DB'>, patch: SettingsPatch): Promise<void> {
  validatePatch(patch)
  const statements: D1PreparedStatement[] = []
  const columns: Array<[string, string | null]> = []
  if (patch.title !== undefined) columns.push(['title', patch.title])
  if (patch.shortDescription !== undefined) columns.push(['short_description', patch.shortDescription])
  if (patch.description !== undefined) columns.push(['description', patch.description])
  if (patch.contactEmail !== undefined) columns.push(['contact_email', patch.contactEmail])
  if (patch.thumbnailUrl !== undefined) columns.push(['thumbnail_url', patch.thumbnailUrl])
  if (patch.languages !== undefined) columns.push(['languages', JSON.stringify(patch.languages)])
  if (patch.registrationsMode !== undefined) columns.push(['registrations_mode', patch.registrationsMode])
  if (columns.length > 0) {
    const assignments = columns.map(([c]) => `${c} = ?`).join(', ')
    statements.push(
      env.DB.prepare(`UPDATE instance_settings SET ${assignments}, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1`).bind(
        ...columns.map(([, v]) => v),
      ),
    )
  }
  if (patch.rules !== undefined) {
    statements.push(env.DB.prepare('DELETE FROM instance_rules'))
    patch.rules.forEach((rule, position) => {
      statements.push(env.DB.prepare('INSERT INTO instance_rules (position, text, hint) VALUES (?, ?, ?)').bind(position, rule.text, rule.hint ?? ''))
    })
  }
  if (statements.length === 0) return
  // A D1 batch is one transaction: the settings and the rules change together or not at all.
  await env.DB.batch(statements)
  await invalidate(env, CACHE_SHARD, CACHE_KEY)
}

function validatePatch(patch: SettingsPatch): void {
  if (patch.title !== undefined && (patch.title.trim().length === 0 || patch.title.length > 200)) {
    throw unprocessable('title must be 1 to 200 characters')
  }
  if (patch.shortDescription !== undefined && patch.shortDescription.length > 500) throw unprocessable('short_description is too long')
  if (patch.description !== undefined && patch.description.length > 10_000) throw unprocessable('description is too long')
  if (patch.contactEmail !== undefined && patch.contactEmail !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(patch.contactEmail)) {
    throw unprocessable('contact_email is not an email address')
  }
  if (patch.thumbnailUrl !== undefined && patch.thumbnailUrl !== null && !/^https?:\/\//.test(patch.thumbnailUrl)) {
    throw unprocessable('thumbnail_url must be an http(s) URL')
  }
  if (patch.languages !== undefined && !patch.languages.every((l) => /^[a-z]{2,3}$/.test(l))) {
    throw unprocessable('languages must be ISO 639 codes')
  }
  if (patch.registrationsMode !== undefined && !['open', 'approval', 'closed'].includes(patch.registrationsMode)) {
    throw unprocessable('registrations_mode must be open, approval or closed')
  }
  if (patch.rules !== undefined) {
    for (const rule of patch.rules) {
      if (rule.text.trim().length === 0 || rule.text.length > 1000) throw unprocessable('each rule needs 1 to 1000 characters of text')
    }
  }
}

function parseLanguages(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json)
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}
