// Plain text (what a Mastodon client posts) → the HTML and the mention/hashtag/emoji lists that federate with
// it, following Mastodon's rules: a mention or hashtag may not start inside a word or a URL, an e-mail address
// is not a mention, a hashtag needs a letter, a URL's trailing punctuation is not part of it.
import { escapeHtml } from './html-entities'
import { LINK_REL } from './sanitize-html'

export interface ParsedMention {
  username: string
  /** null for `@user` (a local account, or ambiguous); lowercased domain for `@user@domain`. */
  domain: string | null
  /** As written, without the leading @. */
  acct: string
}

export interface ParsedText {
  mentions: ParsedMention[]
  /** Hashtags as written (without #), deduplicated by normalized form, in order of appearance. */
  tags: string[]
  /** Custom emoji shortcodes (without colons), deduplicated. */
  emoji: string[]
  urls: string[]
}

export interface Span {
  start: number
  end: number
  kind: 'url' | 'mention' | 'hashtag'
  text: string
}

// The character before a mention or hashtag: start, or not a word character, '/', or (for tags) ')'.
const MENTION_RE = /(?<=^|[^\p{L}\p{N}_/])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_])?)(?:@((?:[\p{L}\p{N}_-]+\.)+[\p{L}\p{N}_-]+))?/giu
const HASHTAG_RE = /(?<=^|[^\p{L}\p{N}\p{M}_/)])#([\p{L}\p{N}\p{M}_]*[\p{L}\p{M}_][\p{L}\p{N}\p{M}_]*)/gu
const EMOJI_RE = /(?<=^|[^\p{L}\p{N}:]):([a-zA-Z0-9_]{2,}):(?=[^\p{L}\p{N}:]|$)/gu
const URL_RE = /\bhttps?:\/\/[^\s<>"]+/giu

export const MAX_URL_DISPLAY = 30

export function normalizeTag(tag: string): string {
  return tag.normalize('NFKC').toLowerCase()
}

/** A URL without the trailing punctuation a sentence puts after it, and without an unbalanced ')'. */
function trimUrl(raw: string): string {
  let url = raw
  for (;;) {
    const last = url[url.length - 1] ?? ''
    if (/[.,:;!?'"*]/.test(last)) {
      url = url.slice(0, -1)
      continue
    }
    if (last === ')' && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
      url = url.slice(0, -1)
      continue
    }
    return url
  }
}

/** Links, mentions and hashtags in plain text, with their UTF-16 ranges, in order. */
export function spansOf(text: string): Span[] {
  const spans: Span[] = []
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0])
    try {
      new URL(url)
    } catch {
      continue
    }
    spans.push({ start: m.index, end: m.index + url.length, kind: 'url', text: url })
  }
  const inUrl = (at: number) => spans.some((s) => s.kind === 'url' && at >= s.start && at < s.end)
  for (const [re, kind] of [
    [MENTION_RE, 'mention'],
    [HASHTAG_RE, 'hashtag'],
  ] as const) {
    for (const m of text.matchAll(re)) {
      if (inUrl(m.index)) continue
      // `@a@b@c` is not a mention of anyone.
      if (kind === 'mention' && text[m.index + m[0].length] === '@') continue
      spans.push({ start: m.index, end: m.index + m[0].length, kind, text: m[0] })
    }
  }
  return spans.sort((a, b) => a.start - b.start)
}

function mentionOf(text: string): ParsedMention {
  const [, username = '', domain] = /^@([^@]+)(?:@(.+))?$/.exec(text) ?? []
  return { username, domain: domain ? domain.toLowerCase() : null, acct: text.slice(1) }
}

export function parseText(text: string): ParsedText {
  const spans = spansOf(text)
  const mentions: ParsedMention[] = []
  const tags: string[] = []
  const seenMentions = new Set<string>()
  const seenTags = new Set<string>()
  for (const s of spans) {
    if (s.kind === 'mention') {
      const m = mentionOf(s.text)
      const key = `${m.username.toLowerCase()}@${m.domain ?? ''}`
      if (!seenMentions.has(key)) {
        seenMentions.add(key)
        mentions.push(m)
      }
    } else if (s.kind === 'hashtag') {
      const tag = s.text.slice(1)
      if (!seenTags.has(normalizeTag(tag))) {
        seenTags.add(normalizeTag(tag))
        tags.push(tag)
      }
    }
  }
  const emoji = [...new Set([...textOutside(text, spans).matchAll(EMOJI_RE)].map((m) => m[1] ?? ''))]
  return { mentions, tags, emoji, urls: spans.filter((s) => s.kind === 'url').map((s) => s.text) }
}

/** The text with URL spans blanked, so `:x:` inside a URL is not an emoji. */
function textOutside(text: string, spans: Span[]): string {
  let out = text
  for (const s of spans) if (s.kind === 'url') out = out.slice(0, s.start) + ' '.repeat(s.end - s.start) + out.slice(s.end)
  return out
}

/** Mastodon's link display: scheme (and www.) hidden, the rest cut at 30 characters with an ellipsis span. */
export function linkHtml(url: string): string {
  const m = /^(https?:\/\/(?:www\.)?)(.*)$/i.exec(url)
  const prefix = m?.[1] ?? ''
  const rest = m?.[2] ?? url
  const shown = rest.slice(0, MAX_URL_DISPLAY)
  const hidden = rest.slice(MAX_URL_DISPLAY)
  const middle = hidden ? `<span class="ellipsis">${escapeHtml(shown)}</span>` : `<span class="">${escapeHtml(shown)}</span>`
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="${LINK_REL}" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span>${middle}<span class="invisible">${escapeHtml(hidden)}</span></a>`
  )
}

export interface RenderOptions {
  /** The actor URL (profile link) for a mention, or null to leave it as text (unknown account). */
  mentionUrl: (mention: ParsedMention) => string | null
  /** The tag page URL, e.g. `https://herd.example/tags/${normalizeTag(tag)}`. */
  tagUrl: (tag: string) => string
}

export interface RenderedText extends ParsedText {
  html: string
  /** Mentions that resolved (only these are linked and should be addressed/tagged). */
  resolvedMentions: (ParsedMention & { url: string })[]
}

function inlineHtml(text: string, spans: Span[], opts: RenderOptions, urlOf: (mention: string) => string | null): string {
  let out = ''
  let at = 0
  for (const s of spans) {
    if (s.start < at) continue
    out += escapeHtml(text.slice(at, s.start))
    if (s.kind === 'url') out += linkHtml(s.text)
    else if (s.kind === 'hashtag') {
      const tag = s.text.slice(1)
      out += `<a href="${escapeHtml(opts.tagUrl(tag))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`
    } else {
      const url = urlOf(s.text)
      out += url
        ? `<span class="h-card" translate="no"><a href="${escapeHtml(url)}" class="u-url mention">@<span>${escapeHtml(mentionOf(s.text).username)}</span></a></span>`
        : escapeHtml(s.text)
    }
    at = s.end
  }
  return out + escapeHtml(text.slice(at))
}

/** Renders a status' plain text to HTML: paragraphs on blank lines, <br> on single newlines, links, mentions, tags. */
export function renderText(text: string, opts: RenderOptions): RenderedText {
  const parsed = parseText(text)
  const resolved = new Map<string, string | null>()
  const urlOf = (written: string): string | null => {
    const key = written.toLowerCase()
    if (!resolved.has(key)) resolved.set(key, opts.mentionUrl(mentionOf(written)))
    return resolved.get(key) ?? null
  }
  const resolvedMentions = parsed.mentions.flatMap((m) => {
    const url = urlOf(`@${m.acct}`)
    return url ? [{ ...m, url }] : []
  })
  const normalized = text.replace(/\r\n?/g, '\n').trim()
  const html = normalized
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map((line) => inlineHtml(line, spansOf(line), opts, urlOf)).join('<br>')}</p>`)
    .join('')
  return { ...parsed, html: normalized === '' ? '' : html, resolvedMentions }
}
