// Allowlist sanitizer for HTML that arrives from other servers (post content, bios, field values).
// A small tokenizer rather than HTMLRewriter so that it runs the same in workerd and in Node unit tests.
// Output is rebuilt from tokens, never copied from input: every tag we emit is one we wrote, every attribute
// value is decoded then re-escaped, every text run is decoded then re-escaped.
import { decodeEntities, escapeHtml } from './html-entities'

const ALLOWED = new Set(['p', 'br', 'span', 'a', 'del', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 'ul', 'ol', 'li', 'blockquote'])
const VOID = new Set(['br'])
/** Elements whose content is never text for the reader: dropped with everything inside. */
const DROP_CONTENT = new Set([
  'script', 'style', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'noscript', 'noembed', 'noframes',
  'textarea', 'title', 'select', 'xmp', 'plaintext', 'head', 'frameset', 'applet',
])
/** Unknown block elements become paragraph breaks so their text does not run together. */
const BLOCKISH = new Set(['div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'header', 'footer', 'table', 'tr', 'dl', 'dt', 'dd', 'hr', 'figure', 'figcaption'])
const SPAN_CLASSES = new Set(['h-card', 'mention', 'hashtag', 'ellipsis', 'invisible'])
const LINK_CLASSES = new Set(['mention', 'hashtag', 'u-url', 'h-card'])
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])
export const LINK_REL = 'nofollow noopener noreferrer'

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'start'; name: string; attrs: [string, string][] }
  | { kind: 'end'; name: string }

function* tokenize(html: string): Generator<Token> {
  let i = 0
  const n = html.length
  while (i < n) {
    const lt = html.indexOf('<', i)
    if (lt < 0) {
      yield { kind: 'text', text: html.slice(i) }
      return
    }
    if (lt > i) yield { kind: 'text', text: html.slice(i, lt) }
    i = lt
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4)
      i = end < 0 ? n : end + 3
      continue
    }
    const next = html[i + 1] ?? ''
    if (next === '!' || next === '?' || (next === '/' && !/[A-Za-z]/.test(html[i + 2] ?? ''))) {
      // doctype, CDATA, processing instructions, `</ x>`: bogus comments up to the next '>'
      const end = html.indexOf('>', i + 1)
      i = end < 0 ? n : end + 1
      continue
    }
    const isEnd = next === '/'
    const nameStart = i + (isEnd ? 2 : 1)
    if (!/[A-Za-z]/.test(html[nameStart] ?? '')) {
      yield { kind: 'text', text: '<' }
      i++
      continue
    }
    let j = nameStart
    while (j < n && !/[\s/>]/.test(html[j] ?? '')) j++
    const name = html.slice(nameStart, j).toLowerCase()
    const attrs: [string, string][] = []
    let closed = false
    while (j < n) {
      const c = html[j] ?? ''
      if (c === '>') {
        closed = true
        j++
        break
      }
      if (/[\s/]/.test(c)) {
        j++
        continue
      }
      let k = j
      while (k < n && !/[\s/>=]/.test(html[k] ?? '')) k++
      if (k === j) k++ // a lone '=' starts an attribute name, as in browsers
      const attrName = html.slice(j, k).toLowerCase()
      j = k
      while (j < n && /\s/.test(html[j] ?? '')) j++
      let value = ''
      if (html[j] === '=') {
        j++
        while (j < n && /\s/.test(html[j] ?? '')) j++
        const q = html[j]
        if (q === '"' || q === "'") {
          const end = html.indexOf(q, j + 1)
          if (end < 0) {
            j = n
            break
          }
          value = html.slice(j + 1, end)
          j = end + 1
        } else {
          let e = j
          while (e < n && !/[\s>]/.test(html[e] ?? '')) e++
          value = html.slice(j, e)
          j = e
        }
      }
      attrs.push([attrName, value])
    }
    // A tag cut off by the end of input is dropped, as browsers do.
    if (!closed) return
    i = j
    if (isEnd) {
      yield { kind: 'end', name }
      continue
    }
    yield { kind: 'start', name, attrs }
    if (DROP_CONTENT.has(name)) {
      const re = new RegExp(`</${name}[\\s/>]`, 'ig')
      re.lastIndex = i
      const m = re.exec(html)
      if (!m) return
      const end = html.indexOf('>', m.index)
      i = end < 0 ? n : end + 1
      yield { kind: 'end', name }
    }
  }
}

/** A safe absolute link target, or null. Entities are decoded and control characters removed first. */
export function safeHref(raw: string): string | null {
  // eslint-disable-next-line no-control-regex
  const value = decodeEntities(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  return LINK_PROTOCOLS.has(url.protocol) ? url.href : null
}

function classes(value: string, allowed: Set<string>): string {
  return decodeEntities(value)
    .split(/\s+/)
    .filter((c) => allowed.has(c))
    .join(' ')
}

function renderStart(name: string, attrs: [string, string][]): string | null {
  const get = (n: string) => attrs.find(([k]) => k === n)?.[1]
  const out: string[] = []
  if (name === 'a') {
    const href = safeHref(get('href') ?? '')
    if (href === null) return null
    out.push(`href="${escapeHtml(href)}"`)
    const cls = classes(get('class') ?? '', LINK_CLASSES)
    if (cls) out.push(`class="${escapeHtml(cls)}"`)
    out.push(`rel="${LINK_REL}"`, 'target="_blank"')
  } else if (name === 'span') {
    const cls = classes(get('class') ?? '', SPAN_CLASSES)
    if (cls) out.push(`class="${escapeHtml(cls)}"`)
  } else if (name === 'ol') {
    const start = get('start')
    if (start !== undefined && /^-?\d{1,9}$/.test(start.trim())) out.push(`start="${start.trim()}"`)
    if (get('reversed') !== undefined) out.push('reversed')
  } else if (name === 'li') {
    const value = get('value')
    if (value !== undefined && /^-?\d{1,9}$/.test(value.trim())) out.push(`value="${value.trim()}"`)
  }
  return `<${name}${out.length ? ' ' + out.join(' ') : ''}>`
}

/** Sanitizes remote HTML to the Mastodon allowlist. Always returns well-formed, balanced markup. */
export function sanitizeHtml(html: string): string {
  let out = ''
  const open: string[] = []
  let dropDepth = 0
  // Anchors that were refused (bad href) or nested are unwrapped; their end tags must not close a real one.
  let unwrappedAnchors = 0
  for (const token of tokenize(html)) {
    if (token.kind === 'text') {
      if (dropDepth === 0) out += escapeHtml(decodeEntities(token.text))
      continue
    }
    const name = token.name
    if (DROP_CONTENT.has(name)) {
      dropDepth += token.kind === 'start' ? 1 : dropDepth > 0 ? -1 : 0
      continue
    }
    if (dropDepth > 0) continue
    if (token.kind === 'start') {
      if (!ALLOWED.has(name)) {
        if (BLOCKISH.has(name) && out !== '' && !out.endsWith('<br>')) out += name === 'hr' ? '<br>' : ' '
        continue
      }
      if (VOID.has(name)) {
        out += `<${name}>`
        continue
      }
      if (name === 'a' && open.includes('a')) {
        unwrappedAnchors++
        continue
      }
      if (name === 'p' && open.includes('p')) {
        // <p> cannot nest: a new one closes the old, as in browsers.
        while (open.length && open[open.length - 1] !== 'p') out += `</${open.pop()}>`
        out += `</${open.pop()}>`
      }
      const tag = renderStart(name, token.attrs)
      if (tag === null) {
        if (name === 'a') unwrappedAnchors++
        continue
      }
      out += tag
      open.push(name)
    } else {
      if (name === 'a' && unwrappedAnchors > 0) {
        unwrappedAnchors--
        continue
      }
      const at = open.lastIndexOf(name)
      if (at < 0) continue
      while (open.length > at) out += `</${open.pop()}>`
    }
  }
  while (open.length) out += `</${open.pop()}>`
  return out
}
