// Trends (/api/v1/trends/*), from the per-day rollups kept as statuses are stored: tag_days (0006),
// status_trends and link_days (0018). Each day's busiest entries are read from a (day, score)
// index, so a page costs the same however big the database or the day is.
import type { Db } from '../db/client'
import { badRequest } from '../http/errors'
import { renderTags, type MastodonTag } from '../tags/tags'
import { loadStatuses, type MastodonStatus } from '../mastodon/status'
import { visibleStatusesFor } from '../relationships/thread-visibility'
import { withFilters } from '../filters/apply'
import { DAY_MS } from './links'

/** Trends rank what was used today and yesterday. */
const WINDOW_DAYS = 2
/** Only this many entries trend; paging past them answers an empty list. */
export const MAX_TRENDING = 100
const HISTORY_DAYS = 7

export interface TrendsPage {
  limit: number
  offset: number
}

/** The Link header of a trends page: offsets, as Mastodon pages trends. */
export function trendsLink(requestUrl: string, page: TrendsPage, count: number): string | null {
  const at = (offset: number) => {
    const url = new URL(requestUrl)
    url.searchParams.set('offset', String(offset))
    return url.href
  }
  const parts: string[] = []
  if (count === page.limit && page.offset + page.limit < MAX_TRENDING) parts.push(`<${at(page.offset + page.limit)}>; rel="next"`)
  if (page.offset > 0) parts.push(`<${at(Math.max(page.offset - page.limit, 0))}>; rel="prev"`)
  return parts.length > 0 ? parts.join(', ') : null
}

/** Mastodon's trends paging: `limit` (clamped) and `offset`. */
export function parseTrendsPage(params: URLSearchParams, defaults: { limit: number; max: number }): TrendsPage {
  const whole = (name: string, fallback: number): number => {
    const raw = params.get(name)
    if (raw === null || raw === '') return fallback
    if (!/^\d{1,9}$/.test(raw)) throw badRequest(`${name} must be a non-negative whole number`)
    return Number(raw)
  }
  return { limit: Math.min(Math.max(whole('limit', defaults.limit), 1), defaults.max), offset: whole('offset', 0) }
}

interface Ranked {
  key: string
  score: number
  uses: number
}

/**
 * The top of the window: each day's `want` best rows (one index range each), summed per key, best
 * first. Something busy yesterday but not among today's best keeps only yesterday's score.
 */
function rank(rows: Array<{ key: string; score: number; uses: number }>): Ranked[] {
  const byKey = new Map<string, Ranked>()
  for (const r of rows) {
    const hit = byKey.get(r.key)
    if (hit) {
      hit.score += r.score
      hit.uses += r.uses
    } else byKey.set(r.key, { key: r.key, score: r.score, uses: r.uses })
  }
  return [...byKey.values()].filter((r) => r.score > 0).sort((a, b) => b.score - a.score || b.uses - a.uses || (a.key < b.key ? -1 : 1))
}

function windowDays(now: number): number[] {
  const today = Math.floor(now / DAY_MS)
  return Array.from({ length: WINDOW_DAYS }, (_, i) => today - i)
}

function want(page: TrendsPage): number {
  return page.offset + page.limit
}

/** GET /api/v1/trends/tags: Tag entities with their week of history, by accounts using them. */
export async function trendingTags(db: Db, page: TrendsPage, viewerId: string | null, origin: string, now = Date.now()): Promise<MastodonTag[]> {
  if (want(page) > MAX_TRENDING) return []
  const perDay = await Promise.all(
    windowDays(now).map((day) =>
      db.selectFrom('tag_days').select(['tag_id as key', 'accounts as score', 'uses']).where('day', '=', day).where('accounts', '>', 0).orderBy('accounts', 'desc').orderBy('uses', 'desc').limit(want(page)).execute(),
    ),
  )
  const ids = rank(perDay.flat())
    .slice(page.offset, want(page))
    .map((r) => r.key)
  if (ids.length === 0) return []
  const rows = await db.selectFrom('tags').selectAll().where('id', 'in', ids).execute()
  const byId = new Map(rows.map((r) => [r.id, r]))
  return renderTags(
    db,
    ids.flatMap((id) => byId.get(id) ?? []),
    viewerId,
    origin,
  )
}

/**
 * GET /api/v1/trends/statuses: public, original statuses of the last two days by favourites +
 * reblogs, without what the viewer blocked or muted, or filtered out of public timelines.
 */
export async function trendingStatuses(db: Db, page: TrendsPage, viewerId: string | null, origin: string, now = Date.now()): Promise<MastodonStatus[]> {
  if (want(page) > MAX_TRENDING) return []
  const perDay = await Promise.all(
    windowDays(now).map((day) =>
      db.selectFrom('status_trends').select(['status_id as key', 'score', 'score as uses']).where('day', '=', day).where('score', '>', 0).orderBy('score', 'desc').orderBy('status_id', 'desc').limit(want(page)).execute(),
    ),
  )
  const ids = rank(perDay.flat())
    .slice(page.offset, want(page))
    .map((r) => r.key)
  if (ids.length === 0) return []
  const loaded = await loadStatuses(db, ids, origin, viewerId)
  const publicOnly = loaded.filter((s) => s.visibility === 'public')
  const visible = viewerId === null ? publicOnly : await visibleStatusesFor(db, viewerId, publicOnly).then((s) => withFilters(db, viewerId, 'public', s))
  // withFilters has dropped what a `hide` filter matches.
  const byId = new Map(visible.map((s) => [s.id, s]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

interface History {
  day: string
  uses: string
  accounts: string
}

/** The TrendsLink entity: a PreviewCard of the link with its history. No card is fetched here, so the URL stands as the title. */
function renderLink(url: string, history: History[]) {
  // Normalized when stored, so always a URL. Where Mastodon writes "" for what no card told it,
  // the schema wants URIs: the link's own site stands in for its provider and author.
  const site = new URL(url)
  return {
    url,
    title: url,
    description: '',
    type: 'link' as const,
    author_name: '',
    author_url: `${site.origin}/`,
    authors: [],
    provider_name: site.hostname,
    provider_url: `${site.origin}/`,
    html: '',
    width: 0,
    height: 0,
    image: null,
    embed_url: url,
    blurhash: null,
    history,
  }
}

export type TrendsLink = ReturnType<typeof renderLink>

/** GET /api/v1/trends/links: links shared in public statuses, by accounts sharing them, with a week of history. */
export async function trendingLinks(db: Db, page: TrendsPage, now = Date.now()): Promise<TrendsLink[]> {
  if (want(page) > MAX_TRENDING) return []
  const perDay = await Promise.all(
    windowDays(now).map((day) =>
      db.selectFrom('link_days').select(['url as key', 'accounts as score', 'uses']).where('day', '=', day).where('accounts', '>', 0).orderBy('accounts', 'desc').orderBy('uses', 'desc').limit(want(page)).execute(),
    ),
  )
  const urls = rank(perDay.flat())
    .slice(page.offset, want(page))
    .map((r) => r.key)
  if (urls.length === 0) return []
  const today = Math.floor(now / DAY_MS)
  const rows = await db
    .selectFrom('link_days')
    .select(['url', 'day', 'uses', 'accounts'])
    .where('url', 'in', urls)
    .where('day', '>', today - HISTORY_DAYS)
    .execute()
  return urls.map((url) =>
    renderLink(
      url,
      Array.from({ length: HISTORY_DAYS }, (_, i) => today - i).map((d) => {
        const hit = rows.find((r) => r.url === url && r.day === d)
        return { day: String(d * 86_400), uses: String(hit?.uses ?? 0), accounts: String(hit?.accounts ?? 0) }
      }),
    ),
  )
}
