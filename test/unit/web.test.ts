import { emojify, type EmojiImage } from '../../backend/web/emoji'
import { profileField, FIELD_LINK_REL } from '../../backend/web/profile'
import { accountFeed } from '../../backend/web/rss'
import { settingsPatchFromForm } from '../../backend/web/settings-form'
import type { MastodonAccount } from '../../backend/mastodon/account'
import type { MastodonStatus } from '../../backend/mastodon/status'

const SHEEP = new Map<string, EmojiImage>([['sheep@', { url: 'https://meadow.example/e/sheep.png', staticUrl: 'https://meadow.example/e/sheep.png' }]])

describe('custom emoji in sanitized HTML', () => {
  it('replaces shortcodes in text only, for the author’s server', () => {
    const html = '<p>Hi :sheep: <a href="https://x.example/:sheep:" rel="nofollow">:sheep:</a> :goat:</p>'
    const out = emojify(html, '', SHEEP)
    expect(out).toBe(
      '<p>Hi <img class="custom-emoji" src="https://meadow.example/e/sheep.png" alt=":sheep:" title=":sheep:" width="20" height="20" draggable="false"> <a href="https://x.example/:sheep:" rel="nofollow"><img class="custom-emoji" src="https://meadow.example/e/sheep.png" alt=":sheep:" title=":sheep:" width="20" height="20" draggable="false"></a> :goat:</p>',
    )
    // Another server's :sheep: is not ours.
    expect(emojify(html, 'farm.example', SHEEP)).toBe(html)
  })
})

describe('profile fields', () => {
  it('marks links rel=me and publishes them; other values are sanitized or escaped', () => {
    expect(profileField({ name: 'Site', value: 'https://dolly.example/', verified_at: null })).toEqual({
      name: 'Site',
      html: `<a href="https://dolly.example/" rel="${FIELD_LINK_REL}" target="_blank">https://dolly.example/</a>`,
      link: 'https://dolly.example/',
      verifiedAt: null,
    })
    const remote = profileField({ name: 'Web', value: '<a href="https://a.example/?x=1&amp;y=2" onclick="evil()">a.example</a>', verified_at: null })
    expect(remote.html).toBe(`<a href="https://a.example/?x=1&amp;y=2" rel="${FIELD_LINK_REL}" target="_blank">a.example</a>`)
    expect(remote.link).toBe('https://a.example/?x=1&y=2')
    // HTML values (from other servers) are sanitized; plain ones escaped.
    expect(profileField({ name: 'Motto', value: '<b>bold</b> & "brave"<script>x</script>', verified_at: null })).toMatchObject({ html: '<b>bold</b> &amp; &quot;brave&quot;', link: null })
    expect(profileField({ name: 'Motto', value: 'a < b & "c"', verified_at: null })).toMatchObject({ html: 'a &lt; b &amp; &quot;c&quot;', link: null })
    expect(profileField({ name: 'x', value: 'javascript:alert(1)', verified_at: null }).link).toBeNull()
  })
})

describe('RSS feed', () => {
  it('escapes text and HTML, and drops characters XML forbids', () => {
    const account = { display_name: 'A & B <c>', username: 'ab', acct: 'ab', url: 'https://m.example/@ab', avatar: 'https://m.example/a.png' } as MastodonAccount
    const status = {
      id: '1',
      url: 'https://m.example/@ab/1',
      created_at: '2026-01-02T03:04:05.000Z',
      spoiler_text: '',
      content: '<p>Tom &amp; Jerry\u0007 <script>x</script></p>',
      media_attachments: [],
      tags: [{ name: 'cats', url: '' }],
    } as unknown as MastodonStatus
    const xml = accountFeed(account, [status], 'https://m.example/@ab.rss')
    expect(xml).toContain('<title>A &amp; B &lt;c&gt;</title>')
    expect(xml).toContain('<title>Tom &amp; Jerry</title>')
    expect(xml).toContain('<description>&lt;p&gt;Tom &amp;amp; Jerry &lt;/p&gt;</description>')
    expect(xml).toContain('<pubDate>Fri, 02 Jan 2026 03:04:05 GMT</pubDate>')
    expect(xml).toContain('<category>cats</category>')
    expect(xml).not.toContain('\u0007')
  })
})

describe('the settings form', () => {
  it('reads rules one a line with an optional hint after a bar', () => {
    expect(settingsPatchFromForm({ title: ' Meadow ', rules: 'Be kind | to all\r\n\r\nNo spam\n', registrations_mode: 'closed', thumbnail_url: '' })).toEqual({
      title: 'Meadow',
      thumbnailUrl: null,
      registrationsMode: 'closed',
      rules: [{ text: 'Be kind', hint: 'to all' }, { text: 'No spam' }],
    })
    expect(() => settingsPatchFromForm({ registrations_mode: 'maybe' })).toThrow(/registrations_mode/)
  })
})
