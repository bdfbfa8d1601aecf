// Bluesky rich text: a post's text with facets addressed by UTF-8 byte ranges, and the limits a
// post must keep (app.bsky.feed.post: text of at most 300 graphemes and 3,000 bytes).

export const MAX_GRAPHEMES = 300
export const MAX_BYTES = 3000

const encoder = new TextEncoder()
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
const words = new Intl.Segmenter(undefined, { granularity: 'word' })

export const utf8Length = (text: string): number => encoder.encode(text).length

export function graphemeCount(text: string): number {
  let n = 0
  for (const _ of graphemes.segment(text)) n++
  return n
}

export function fits(text: string): boolean {
  return utf8Length(text) <= MAX_BYTES && graphemeCount(text) <= MAX_GRAPHEMES
}

export type Feature =
  | { $type: 'app.bsky.richtext.facet#link'; uri: string }
  | { $type: 'app.bsky.richtext.facet#mention'; did: string }
  | { $type: 'app.bsky.richtext.facet#tag'; tag: string }

/** A feature over a range of the text, in UTF-16 indices (JavaScript's own). */
export interface RichSpan {
  start: number
  end: number
  feature: Feature
}

export interface Facet {
  $type: 'app.bsky.richtext.facet'
  index: { byteStart: number; byteEnd: number }
  features: Feature[]
}

/** Facets for spans of `text`: UTF-16 ranges turned into UTF-8 byte ranges. */
export function facetsOf(text: string, spans: RichSpan[]): Facet[] {
  return [...spans]
    .sort((a, b) => a.start - b.start)
    .map((s) => {
      const byteStart = utf8Length(text.slice(0, s.start))
      return { $type: 'app.bsky.richtext.facet', index: { byteStart, byteEnd: byteStart + utf8Length(text.slice(s.start, s.end)) }, features: [s.feature] }
    })
}

/** The spans lying wholly inside [from, to), moved to be relative to `from`. */
export function spansWithin(spans: RichSpan[], from: number, to: number, shift = 0): RichSpan[] {
  return spans.filter((s) => s.start >= from && s.end <= to).map((s) => ({ ...s, start: s.start - from + shift, end: s.end - from + shift }))
}

/**
 * Where to cut `text` (starting at `from`) so the piece plus a reserve keeps within the limits: at
 * whitespace if there is some in the second half of what fits, else at a word boundary, else at a
 * grapheme boundary; never inside a link, mention or hashtag unless one alone is longer than a
 * piece. Returns text.length when the rest fits whole.
 */
export function cutPoint(text: string, from: number, spans: RichSpan[], reserve: { graphemes: number; bytes: number } = { graphemes: 0, bytes: 0 }): number {
  const maxGraphemes = MAX_GRAPHEMES - reserve.graphemes
  const maxBytes = MAX_BYTES - reserve.bytes
  const boundaries: number[] = []
  let count = 0
  let bytes = 0
  let limit = from
  for (const g of graphemes.segment(text.slice(from))) {
    count++
    bytes += utf8Length(g.segment)
    if (count > maxGraphemes || bytes > maxBytes) break
    limit = from + g.index + g.segment.length
    boundaries.push(limit)
  }
  if (limit >= text.length) return text.length
  const inSpan = (at: number): boolean => spans.some((s) => s.start < at && at < s.end)
  const half = from + Math.floor((limit - from) / 2)
  for (let at = limit; at > half; at--) {
    if (/\s/.test(text[at] ?? '') && !/\s/.test(text[at - 1] ?? '') && !inSpan(at)) return at
  }
  const wordStarts = new Set<number>()
  for (const w of words.segment(text.slice(from, limit + 1))) wordStarts.add(from + w.index)
  for (const at of [...boundaries].reverse()) {
    if (at <= half) break
    if (wordStarts.has(at) && !inSpan(at)) return at
  }
  for (const at of [...boundaries].reverse()) if (!inSpan(at)) return at
  // A link longer than a whole piece: cut through it (it loses its facet).
  return limit > from ? limit : text.length
}

export interface Piece {
  text: string
  spans: RichSpan[]
}

/** The text cut to fit with `suffix` after it (the suffix's own spans are given relative to it). */
export function truncate(text: string, spans: RichSpan[], suffix: Piece): Piece {
  if (fits(text)) return { text, spans }
  const end = cutPoint(text, 0, spans, { graphemes: graphemeCount(suffix.text), bytes: utf8Length(suffix.text) })
  const head = text.slice(0, end).trimEnd()
  return { text: head + suffix.text, spans: [...spansWithin(spans, 0, head.length), ...suffix.spans.map((s) => ({ ...s, start: s.start + head.length, end: s.end + head.length }))] }
}

/** The text split into pieces that each fit, at clean boundaries, each with the spans inside it. */
export function split(text: string, spans: RichSpan[]): Piece[] {
  const pieces: Piece[] = []
  let from = 0
  while (from < text.length) {
    const end = cutPoint(text, from, spans)
    const raw = text.slice(from, end)
    const lead = raw.length - raw.trimStart().length
    const piece = raw.trim()
    if (piece !== '') pieces.push({ text: piece, spans: spansWithin(spans, from + lead, from + lead + piece.length) })
    from = end
    while (from < text.length && /\s/.test(text[from] ?? '')) from++
  }
  return pieces.length > 0 ? pieces : [{ text: '', spans: [] }]
}
