// The links of a public status, recorded with it for trending links. The status_links trigger
// (migrations/0018) keeps the per-day counts; nothing here fetches the links.
import { decodeEntities } from '../federation/html-entities'

/** Links counted per status: a post that is a list of links should not dominate. */
const MAX_LINKS = 4
const MAX_URL = 2048
/** Statuses older than this (a remote one that arrives late) are not counted. */
const WINDOW_DAYS = 7
export const DAY_MS = 86_400_000

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : null
}

/**
 * A link as trends count it: http(s) only, no fragment, no tracking parameters (utm_*), host
 * lowercased (URL does that), and no trailing slash on a bare host.
 */
export function normalizeLink(href: string): string | null {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.username !== '' || url.password !== '') return null
  url.hash = ''
  for (const key of [...url.searchParams.keys()]) if (key.toLowerCase().startsWith('utm_')) url.searchParams.delete(key)
  const text = url.href
  return text.length > MAX_URL ? null : text
}

/** The links of a status's HTML, leaving out mentions and hashtags (their anchors are marked as such). */
export function linksOf(html: string): string[] {
  const out = new Set<string>()
  for (const [tag] of html.matchAll(/<a\s[^>]*>/gi)) {
    const cls = attribute(tag, 'class') ?? ''
    const rel = attribute(tag, 'rel') ?? ''
    if (/\b(mention|hashtag)\b/i.test(cls) || /\btag\b/i.test(rel)) continue
    const href = attribute(tag, 'href')
    const url = href === null ? null : normalizeLink(href)
    if (url !== null) out.add(url)
    if (out.size === MAX_LINKS) break
  }
  return [...out]
}

export interface LinkedStatus {
  id: string
  html: string
  visibility: string
  createdAt: string
  reblog?: boolean
}

/**
 * Statements for the batch that stores a status: one row per link of a public, original, recent
 * status. Each reads the status row, so a status whose own insert was ignored (a duplicate
 * delivery) records nothing, and the primary key makes a repeat a no-op.
 */
export function linkStatements(d1: D1Database, status: LinkedStatus, now = Date.now()): D1PreparedStatement[] {
  if (status.visibility !== 'public' || status.reblog === true) return []
  const created = Date.parse(status.createdAt)
  if (Number.isNaN(created) || created < now - WINDOW_DAYS * DAY_MS || created > now + DAY_MS) return []
  const day = Math.floor(created / DAY_MS)
  return linksOf(status.html).map((url) =>
    d1.prepare('INSERT OR IGNORE INTO status_links (status_id, url, account_id, day) SELECT id, ?2, account_id, CAST(?3 AS INTEGER) FROM statuses WHERE id = ?1').bind(status.id, url, String(day)),
  )
}
