import type { Db } from '../db/client'
import { sanitizeHtml } from '../federation/sanitize-html'
import type { MastodonStatus } from '../mastodon/status'

const SHORTCODE = /:([A-Za-z0-9_]{2,64}):/g

export interface EmojiImage {
  url: string
  staticUrl: string
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function domainOfAcct(acct: string): string {
  const at = acct.indexOf('@')
  return at < 0 ? '' : acct.slice(at + 1).toLowerCase()
}

/** Custom emoji named in these statuses, keyed `shortcode@domain` (domain '' for ours): one indexed read. */
export async function emojisFor(db: Db, statuses: MastodonStatus[]): Promise<Map<string, EmojiImage>> {
  const codes = new Set<string>()
  for (const s of statuses) for (const m of (s.reblog ?? s).content.matchAll(SHORTCODE)) if (m[1]) codes.add(m[1])
  const map = new Map<string, EmojiImage>()
  if (codes.size === 0) return map
  const rows = await db
    .selectFrom('custom_emojis')
    .select(['shortcode', 'domain', 'url', 'static_url'])
    .where('shortcode', 'in', [...codes].slice(0, 100))
    .execute()
  for (const r of rows) map.set(`${r.shortcode}@${r.domain}`, { url: r.url, staticUrl: r.static_url })
  return map
}

/**
 * Replaces `:shortcode:` in the text (never inside tags or attributes) of already-sanitized HTML with
 * the emoji's image, when the author's server has an emoji of that name.
 */
export function emojify(safeHtml: string, domain: string, emojis: Map<string, EmojiImage>): string {
  if (emojis.size === 0) return safeHtml
  return safeHtml
    .split(/(<[^>]*>)/)
    .map((part) =>
      part.startsWith('<')
        ? part
        : part.replace(SHORTCODE, (whole, code: string) => {
            const e = emojis.get(`${code}@${domain}`)
            if (!e || !/^https?:\/\//.test(e.url)) return whole
            return `<img class="custom-emoji" src="${escapeAttr(e.url)}" alt="${whole}" title="${whole}" width="20" height="20" draggable="false">`
          }),
    )
    .join('')
}

/** A status as the web pages show it: its content sanitized (again) and with custom emoji drawn. */
export type WebStatus = MastodonStatus & { html: string }

export async function webStatuses(db: Db, statuses: MastodonStatus[]): Promise<WebStatus[]> {
  const emojis = await emojisFor(db, statuses)
  return statuses.map((s) => {
    const shown = s.reblog ?? s
    return { ...s, html: emojify(sanitizeHtml(shown.content), domainOfAcct(shown.account.acct), emojis) }
  })
}
