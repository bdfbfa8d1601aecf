import { isId } from '../ids'
import { HttpError } from '../http/errors'

/**
 * Mastodon's keyset paging over time-ordered ids:
 * - `max_id`: entries older than it (the next page down), newest first;
 * - `since_id`: entries newer than it, newest first (the newest `limit` of them);
 * - `min_id`: entries newer than it, but the `limit` immediately above it (paging up without gaps).
 * Every page is an index range scan of at most `limit` rows, so its cost does not grow with history.
 */
export interface PageRequest {
  maxId: string | null
  sinceId: string | null
  minId: string | null
  limit: number
}

export const DEFAULT_LIMIT = 20
export const MAX_LIMIT = 40

export function parsePage(params: URLSearchParams, defaults: { limit?: number; max?: number } = {}): PageRequest {
  const id = (name: string): string | null => {
    const value = params.get(name)
    if (value === null || value === '') return null
    if (!isId(value)) throw new HttpError(400, `${name} must be a status id`)
    return value
  }
  const max = defaults.max ?? MAX_LIMIT
  const rawLimit = params.get('limit')
  let limit = defaults.limit ?? DEFAULT_LIMIT
  if (rawLimit !== null && rawLimit !== '') {
    if (!/^\d+$/.test(rawLimit)) throw new HttpError(400, 'limit must be a positive whole number')
    // Mastodon clamps rather than refuses an out-of-range limit.
    limit = Math.min(Math.max(Number(rawLimit), 1), max)
  }
  return { maxId: id('max_id'), sinceId: id('since_id'), minId: id('min_id'), limit }
}

/** The SQL order a page is read in: ascending only when paging up from `min_id`. */
export function readsAscending(page: PageRequest): boolean {
  return page.minId !== null
}

/** Lower bound (exclusive) on ids: `min_id` wins over `since_id` when both are given, as in Mastodon. */
export function lowerBound(page: PageRequest): string | null {
  return page.minId ?? page.sinceId
}

/** Rows read in ascending order come back newest first, like every other page. */
export function newestFirst<T>(page: PageRequest, rows: T[]): T[] {
  return readsAscending(page) ? [...rows].reverse() : rows
}

/**
 * The `Link` header for a page whose entries run from `newest` to `oldest` (ids as the client
 * pages by them). Omitted when the page is empty, as Mastodon does.
 */
export function linkHeader(requestUrl: string, newest: string | undefined, oldest: string | undefined): string | null {
  if (newest === undefined || oldest === undefined) return null
  const make = (key: 'max_id' | 'min_id', value: string) => {
    const url = new URL(requestUrl)
    for (const k of ['max_id', 'min_id', 'since_id']) url.searchParams.delete(k)
    url.searchParams.set(key, value)
    return url.href
  }
  return `<${make('max_id', oldest)}>; rel="next", <${make('min_id', newest)}>; rel="prev"`
}
