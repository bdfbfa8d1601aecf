import type { Db } from '../db/client'
import type { FilterContext } from '../db/schema'
import { htmlToPlainText } from '../federation/html-entities'
import { loadFilters, type Filter } from './filters'

/** What the matcher reads of a rendered status (and of the status it reblogs). */
export interface FilterableStatus {
  id: string
  content: string
  spoiler_text: string
  media_attachments: ReadonlyArray<{ description: string | null }>
  reblog: FilterableStatus | null
}

export interface FilterResult {
  filter: Filter
  keyword_matches: string[] | null
  status_matches: string[] | null
}

const WORD = /[\p{L}\p{N}\p{M}_]/u

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/**
 * Mastodon's keyword rule: case-insensitive; a whole-word keyword needs a word boundary only on a
 * side where the keyword itself begins or ends with a word character. Unicode-aware.
 */
export function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const body = escapeRegExp(keyword)
  if (!wholeWord) return new RegExp(body, 'iu')
  const start = WORD.test(keyword.charAt(0)) ? '(?<![\\p{L}\\p{N}\\p{M}_])' : ''
  const end = WORD.test([...keyword].pop() ?? '') ? '(?![\\p{L}\\p{N}\\p{M}_])' : ''
  return new RegExp(`${start}${body}${end}`, 'iu')
}

function searchableText(s: FilterableStatus): string {
  const target = s.reblog ?? s
  return [target.spoiler_text, htmlToPlainText(target.content), ...target.media_attachments.map((m) => m.description ?? '')].join('\n')
}

/** A person's active filters for one context, compiled once per request. */
export class FilterSet {
  private readonly compiled: Array<{ filter: Filter; keywords: Array<{ keyword: string; pattern: RegExp }>; statusIds: Set<string> }>

  constructor(filters: Filter[], context: FilterContext, now = Date.now()) {
    this.compiled = filters
      .filter((f) => f.context.includes(context) && (f.expires_at === null || Date.parse(f.expires_at) > now))
      .map((f) => ({
        filter: f,
        keywords: f.keywords.map((k) => ({ keyword: k.keyword, pattern: keywordPattern(k.keyword, k.whole_word) })),
        statusIds: new Set(f.statuses.map((s) => s.status_id)),
      }))
  }

  get empty(): boolean {
    return this.compiled.length === 0
  }

  results(s: FilterableStatus): FilterResult[] {
    if (this.compiled.length === 0) return []
    const text = searchableText(s)
    const ids = [s.id, s.reblog?.id].filter((x): x is string => x !== undefined)
    const out: FilterResult[] = []
    for (const c of this.compiled) {
      const keywords = c.keywords.filter((k) => k.pattern.test(text)).map((k) => k.keyword)
      const statuses = ids.filter((id) => c.statusIds.has(id))
      if (keywords.length > 0 || statuses.length > 0) out.push({ filter: c.filter, keyword_matches: keywords.length > 0 ? keywords : null, status_matches: statuses.length > 0 ? statuses : null })
    }
    return out
  }
}

export async function filterSetFor(db: Db, accountId: string, context: FilterContext): Promise<FilterSet> {
  return new FilterSet(await loadFilters(db, accountId), context)
}

/**
 * Attaches `filtered` to each status, and drops those a `hide` filter matches, as Mastodon does
 * for signed-in reads. Statuses of the viewer's own are never filtered.
 */
export function applyFilterSet<T extends FilterableStatus & { account?: { id: string } }>(set: FilterSet, statuses: T[], viewerId: string): Array<T & { filtered: FilterResult[] }> {
  const out: Array<T & { filtered: FilterResult[] }> = []
  for (const s of statuses) {
    const filtered = s.account?.id === viewerId ? [] : set.results(s)
    if (filtered.some((r) => r.filter.filter_action === 'hide')) continue
    out.push({ ...s, filtered })
  }
  return out
}

/** For a signed-in read: the viewer's filters of that context applied to a page (one to three queries). */
export async function withFilters<T extends FilterableStatus & { account?: { id: string } }>(
  db: Db,
  viewerId: string | null,
  context: FilterContext,
  statuses: T[],
): Promise<Array<T & { filtered?: FilterResult[] }>> {
  if (viewerId === null || statuses.length === 0) return statuses
  const set = await filterSetFor(db, viewerId, context)
  return set.empty ? statuses : applyFilterSet(set, statuses, viewerId)
}
