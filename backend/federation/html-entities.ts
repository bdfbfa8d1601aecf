// Character references in remote HTML. Decoding before we judge a URL is what stops `jav&#x61;script:`.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', colon: ':', tab: '\t', newline: '\n',
  lpar: '(', rpar: ')', sol: '/', period: '.', comma: ',', num: '#', excl: '!', quest: '?', semi: ';', equals: '=',
  hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', zwj: '\u200d', zwnj: '\u200c',
}

function codePoint(n: number): string {
  // Null, surrogates and out-of-range references become U+FFFD, as browsers do.
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) || Number.isNaN(n)) return '\ufffd'
  return String.fromCodePoint(n)
}

export function decodeEntities(text: string): string {
  return text.replace(/&(?:#[xX]([0-9a-fA-F]{1,8});?|#([0-9]{1,9});?|([A-Za-z][A-Za-z0-9]{1,31});)/g, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined) return codePoint(parseInt(hex, 16))
    if (dec !== undefined) return codePoint(parseInt(dec, 10))
    return (name !== undefined && NAMED[name.toLowerCase()]) || whole
  })
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`)
}

/** Readable text from status HTML: paragraphs and line breaks become newlines, tags go, entities decode. */
export function htmlToPlainText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text).trim()
}

/** Plain text as HTML paragraphs: blank lines separate paragraphs, single newlines become <br>. */
export function plainTextToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('')
}
