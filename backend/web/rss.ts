import { escapeHtml, htmlToPlainText } from '../federation/html-entities'
import { sanitizeHtml } from '../federation/sanitize-html'
import type { MastodonAccount } from '../mastodon/account'
import type { MastodonStatus } from '../mastodon/status'

export const RSS_CONTENT_TYPE = 'application/rss+xml; charset=utf-8'
export const RSS_ITEMS = 20

/** XML text and attribute escaping, with characters XML 1.0 forbids removed. */
function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return escapeHtml(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''))
}

function rfc822(iso: string): string {
  return new Date(iso).toUTCString()
}

function title(s: MastodonStatus): string {
  const text = s.spoiler_text || htmlToPlainText(sanitizeHtml(s.content)).trim()
  return text.length > 80 ? `${text.slice(0, 79)}…` : text || 'Post'
}

/**
 * An RSS 2.0 feed of an account's latest public posts. Item descriptions carry the sanitized HTML,
 * escaped as text, as RSS readers expect.
 */
export function accountFeed(account: MastodonAccount, statuses: MastodonStatus[], feedUrl: string): string {
  const name = account.display_name || account.username
  const items = statuses.map((s) => {
    const media = s.media_attachments
      .flatMap((m) => (m.type === 'image' && m.url !== null ? [m.url] : []))
      .map((url) => `\n      <enclosure url="${xml(url)}" type="${xml(/\.png$/i.test(url) ? 'image/png' : /\.gif$/i.test(url) ? 'image/gif' : /\.webp$/i.test(url) ? 'image/webp' : 'image/jpeg')}" length="0"/>`)
      .slice(0, 1)
      .join('')
    const body = (s.spoiler_text ? `<p>${xml(s.spoiler_text)}</p>` : '') + sanitizeHtml(s.content)
    return `    <item>
      <title>${xml(title(s))}</title>
      <link>${xml(s.url)}</link>
      <guid isPermaLink="true">${xml(s.url)}</guid>
      <pubDate>${rfc822(s.created_at)}</pubDate>
      <description>${xml(body)}</description>${media}
${s.tags.map((t) => `      <category>${xml(t.name)}</category>\n`).join('')}    </item>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${xml(name)}</title>
    <link>${xml(account.url)}</link>
    <description>${xml(`Public posts from @${account.acct}`)}</description>
    <atom:link href="${xml(feedUrl)}" rel="self" type="application/rss+xml"/>
    <image>
      <url>${xml(account.avatar)}</url>
      <title>${xml(name)}</title>
      <link>${xml(account.url)}</link>
    </image>
${statuses[0] ? `    <lastBuildDate>${rfc822(statuses[0].created_at)}</lastBuildDate>\n` : ''}${items.join('\n')}
  </channel>
</rss>
`
}
