import { readApTags, writeApTags } from '../../../backend/federation/ap-tags'
import { linkHtml, normalizeTag, parseText, renderText, type ParsedMention } from '../../../backend/federation/content'

const A = 'target="_blank" rel="nofollow noopener noreferrer" translate="no"'

describe('parsing plain text', () => {
  it('find local and remote mentions, not e-mail addresses or URL paths', () => {
    const p = parseText('hi @alice and @Bob@Example.COM, mail carol@example.com or see https://x.example/@dave, (@erin) @frank.')
    expect(p.mentions).toEqual([
      { username: 'alice', domain: null, acct: 'alice' },
      { username: 'Bob', domain: 'example.com', acct: 'Bob@Example.COM' },
      { username: 'erin', domain: null, acct: 'erin' },
      { username: 'frank', domain: null, acct: 'frank' },
    ])
  })

  it('deduplicate mentions case-insensitively and ignore @a@b@c', () => {
    expect(parseText('@amy @AMY @a@b@c').mentions.map((m) => m.acct)).toEqual(['amy'])
    expect(parseText('@amy@a.example. Done').mentions).toEqual([{ username: 'amy', domain: 'a.example', acct: 'amy@a.example' }])
  })

  it('find unicode hashtags that contain a letter, not numbers or URL fragments', () => {
    const p = parseText('#hello #Café #日本語 #tag_1 #123 #Hello word#not https://x.example/page#anchor (#paren) #über, #ÜBER')
    expect(p.tags).toEqual(['hello', 'Café', '日本語', 'tag_1', 'paren', 'über'])
    expect(normalizeTag('Café')).toBe('café')
  })

  it('find custom emoji shortcodes but not times, words or URL parts', () => {
    const p = parseText(':blobcat: hi:wave: 12:30:45 :a: (:party_parrot:) https://x.example/:notemoji:/ :blobcat:')
    expect(p.emoji).toEqual(['blobcat', 'party_parrot'])
  })

  it('trim trailing punctuation and unbalanced parentheses from URLs, keep # and balanced ones', () => {
    const p = parseText('see https://x.example/a?b=1#frag. and (https://en.wikipedia.org/wiki/Foo_(bar)) or https://y.example/!')
    expect(p.urls).toEqual(['https://x.example/a?b=1#frag', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'https://y.example/'])
  })
})

describe('rendering plain text to HTML', () => {
  const known: Record<string, string> = { alice: 'https://h.example/users/alice', 'bob@b.example': 'https://b.example/users/bob' }
  const opts = {
    mentionUrl: (m: ParsedMention) => known[`${m.username.toLowerCase()}${m.domain ? '@' + m.domain : ''}`] ?? null,
    tagUrl: (t: string) => `https://h.example/tags/${encodeURIComponent(normalizeTag(t))}`,
  }

  it('link mentions, hashtags and URLs, escape the rest, keep unknown mentions as text', () => {
    const r = renderText('Hi @alice & @bob@b.example <3 @nobody #Fedi\nhttps://x.example/a', opts)
    expect(r.html).toBe(
      '<p>Hi <span class="h-card" translate="no"><a href="https://h.example/users/alice" class="u-url mention">@<span>alice</span></a></span> &amp; ' +
        '<span class="h-card" translate="no"><a href="https://b.example/users/bob" class="u-url mention">@<span>bob</span></a></span> &lt;3 @nobody ' +
        '<a href="https://h.example/tags/fedi" class="mention hashtag" rel="tag">#<span>Fedi</span></a><br>' +
        `<a href="https://x.example/a" ${A}><span class="invisible">https://</span><span class="">x.example/a</span><span class="invisible"></span></a></p>`,
    )
    expect(r.resolvedMentions.map((m) => m.url)).toEqual([known.alice, known['bob@b.example']])
    expect(r.mentions).toHaveLength(3)
  })

  it('split paragraphs on blank lines', () => {
    expect(renderText('a\n\n\nb\r\nc', opts).html).toBe('<p>a</p><p>b<br>c</p>')
    expect(renderText('   ', opts).html).toBe('')
  })

  it('cut long link text with the ellipsis span, hiding scheme and www', () => {
    const url = 'https://www.example.com/a/very/long/path/that/goes/on/and/on'
    expect(linkHtml(url)).toBe(
      `<a href="${url}" ${A}><span class="invisible">https://www.</span><span class="ellipsis">example.com/a/very/long/path/t</span><span class="invisible">hat/goes/on/and/on</span></a>`,
    )
  })

  it('escape quotes in URLs so they cannot break out of the attribute', () => {
    expect(renderText('https://x.example/"onmouseover=alert(1)', opts).html).toContain('href="https://x.example/"')
    expect(renderText("https://x.example/a'b", opts).html).toContain('href="https://x.example/a&#39;b"')
  })
})

describe('ActivityPub tag arrays', () => {
  it('read mentions, hashtags and emoji, ignoring junk', () => {
    const tags = readApTags([
      { type: 'Mention', href: 'https://a.example/users/bob', name: '@bob@a.example' },
      { type: 'Mention', href: 'javascript:alert(1)' },
      { type: 'Hashtag', href: 'https://a.example/tags/caf%C3%A9', name: '#Café' },
      { type: 'Hashtag', name: '#123' },
      { type: 'Hashtag', name: '#café' },
      { type: 'Emoji', id: 'https://a.example/emojis/1', name: ':blob:', updated: '2024-01-01T00:00:00Z', icon: { type: 'Image', mediaType: 'image/png', url: 'https://a.example/blob.png' } },
      { type: 'Emoji', name: ':bad name:', icon: { url: 'https://a.example/x.png' } },
      { type: 'Emoji', name: ':nourl:', icon: { url: 'data:image/png;base64,AA' } },
      'a string',
      null,
      { type: ['Hashtag'], name: 'Fedi' },
    ])
    expect(tags.mentions).toEqual([{ href: 'https://a.example/users/bob', name: '@bob@a.example' }])
    expect(tags.hashtags).toEqual([
      { name: 'café', href: 'https://a.example/tags/caf%C3%A9' },
      { name: 'fedi', href: null },
    ])
    expect(tags.emoji).toEqual([{ shortcode: 'blob', url: 'https://a.example/blob.png', mediaType: 'image/png', id: 'https://a.example/emojis/1', updated: '2024-01-01T00:00:00Z' }])
  })

  it('accept a single object, nothing, and cap abuse', () => {
    expect(readApTags({ type: 'Mention', href: 'https://a.example/u' }).mentions).toHaveLength(1)
    expect(readApTags(undefined)).toEqual({ mentions: [], hashtags: [], emoji: [] })
    const many = Array.from({ length: 500 }, (_, i) => ({ type: 'Hashtag', name: `#t${i}` }))
    expect(readApTags(many).hashtags).toHaveLength(100)
  })

  it('write tags that read back the same', () => {
    const written = writeApTags({
      mentions: [{ href: 'https://b.example/users/bob', name: 'bob@b.example' }],
      hashtags: [{ name: 'fedi', href: 'https://h.example/tags/fedi' }],
      emoji: [{ shortcode: 'blob', id: 'https://h.example/emojis/1', url: 'https://h.example/blob.png', mediaType: 'image/png' }],
    })
    const read = readApTags(written)
    expect(read.mentions).toEqual([{ href: 'https://b.example/users/bob', name: '@bob@b.example' }])
    expect(read.hashtags).toEqual([{ name: 'fedi', href: 'https://h.example/tags/fedi' }])
    expect(read.emoji[0]).toMatchObject({ shortcode: 'blob', url: 'https://h.example/blob.png' })
  })
})
