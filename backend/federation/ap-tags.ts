// The `tag` array of incoming ActivityPub objects (Mention, Hashtag, Emoji), read defensively: remote JSON may
// hold one object or a list, wrong types, non-https links. Also the reverse, for objects we publish.
import { normalizeTag } from './content'

export interface ApMention {
  href: string
  /** `@user@domain` as the sender wrote it, when given. */
  name: string | null
}
export interface ApHashtag {
  /** Normalized (NFKC, lowercase), without '#'. */
  name: string
  href: string | null
}
export interface ApEmoji {
  shortcode: string
  url: string
  mediaType: string | null
  id: string | null
  updated: string | null
}
export interface ApTags {
  mentions: ApMention[]
  hashtags: ApHashtag[]
  emoji: ApEmoji[]
}

/** More than this many of a kind on one object is abuse; the rest are ignored. */
export const MAX_TAGS_PER_KIND = 100
const SHORTCODE = /^[a-zA-Z0-9_]{2,}$/
const HASHTAG = /^[\p{L}\p{N}\p{M}_]*[\p{L}\p{M}_][\p{L}\p{N}\p{M}_]*$/u

function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null
  try {
    const u = new URL(value)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null
  } catch {
    return null
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

function typeIs(tag: Record<string, unknown>, type: string): boolean {
  const t = tag.type
  return t === type || (Array.isArray(t) && t.includes(type))
}

export function readApTags(tag: unknown): ApTags {
  const out: ApTags = { mentions: [], hashtags: [], emoji: [] }
  const list = Array.isArray(tag) ? tag : tag === undefined || tag === null ? [] : [tag]
  const seenMentions = new Set<string>()
  const seenTags = new Set<string>()
  const seenEmoji = new Set<string>()
  for (const item of list) {
    const t = record(item)
    if (!t) continue
    if (typeIs(t, 'Mention')) {
      const href = httpUrl(t.href)
      if (!href || seenMentions.has(href) || out.mentions.length >= MAX_TAGS_PER_KIND) continue
      seenMentions.add(href)
      out.mentions.push({ href, name: typeof t.name === 'string' ? t.name : null })
    } else if (typeIs(t, 'Hashtag')) {
      if (typeof t.name !== 'string') continue
      const name = normalizeTag(t.name.replace(/^#/, ''))
      if (!HASHTAG.test(name) || seenTags.has(name) || out.hashtags.length >= MAX_TAGS_PER_KIND) continue
      seenTags.add(name)
      out.hashtags.push({ name, href: httpUrl(t.href) })
    } else if (typeIs(t, 'Emoji')) {
      if (typeof t.name !== 'string') continue
      const shortcode = t.name.replace(/^:|:$/g, '')
      const icon = record(t.icon)
      const url = httpUrl(icon?.url)
      if (!SHORTCODE.test(shortcode) || !url || seenEmoji.has(shortcode) || out.emoji.length >= MAX_TAGS_PER_KIND) continue
      seenEmoji.add(shortcode)
      out.emoji.push({
        shortcode,
        url,
        mediaType: typeof icon?.mediaType === 'string' ? icon.mediaType : null,
        id: httpUrl(t.id),
        updated: typeof t.updated === 'string' ? t.updated : null,
      })
    }
  }
  return out
}

/** The `tag` array for an object we publish. */
export function writeApTags(tags: {
  mentions: { href: string; name: string }[]
  hashtags: { name: string; href: string }[]
  emoji: { shortcode: string; id: string; url: string; mediaType: string; updated?: string }[]
}): Record<string, unknown>[] {
  return [
    ...tags.mentions.map((m) => ({ type: 'Mention', href: m.href, name: m.name.startsWith('@') ? m.name : `@${m.name}` })),
    ...tags.hashtags.map((h) => ({ type: 'Hashtag', href: h.href, name: `#${h.name}` })),
    ...tags.emoji.map((e) => ({
      type: 'Emoji',
      id: e.id,
      name: `:${e.shortcode}:`,
      ...(e.updated ? { updated: e.updated } : {}),
      icon: { type: 'Image', mediaType: e.mediaType, url: e.url },
    })),
  ]
}
