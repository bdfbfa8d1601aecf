import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { registeredUserToken, userToken } from '../helpers/auth'

let stack: Stack
let token: string

beforeAll(async () => {
  stack = await startStack()
  token = (await userToken(stack, 'shepherd', 'read write follow')).token
})
afterAll(async () => {
  await stack.dispose()
})

async function get(path: string, bearer: string | null = null): Promise<{ status: number; body: unknown }> {
  const res = await stack.fetch(path, bearer === null ? {} : { headers: { Authorization: `Bearer ${bearer}` } })
  return { status: res.status, body: await res.json() }
}

describe('GET /api/v1/preferences', () => {
  it("answers Mastodon's defaults for a new account", async () => {
    const res = await get('/api/v1/preferences', token)
    expect(res.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Preferences'), res.body)).toEqual([])
    expect(res.body).toEqual({
      'posting:default:visibility': 'public',
      'posting:default:sensitive': false,
      'posting:default:language': null,
      'reading:expand:media': 'default',
      'reading:expand:spoilers': false,
    })
  })

  it('shows the posting defaults that update_credentials writes as source[…]', async () => {
    const res = await stack.fetch('/api/v1/accounts/update_credentials', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}` },
      body: new URLSearchParams({ 'source[privacy]': 'unlisted', 'source[sensitive]': 'true', 'source[language]': 'de' }),
    })
    expect(res.status).toBe(200)
    const prefs = await get('/api/v1/preferences', token)
    expect(schemaErrors(mastodonValidator('Preferences'), prefs.body)).toEqual([])
    expect(prefs.body).toMatchObject({ 'posting:default:visibility': 'unlisted', 'posting:default:sensitive': true, 'posting:default:language': 'de' })
  })

  it('needs a signed-in person with read:accounts', async () => {
    expect((await get('/api/v1/preferences')).status).toBe(401)
    const writeOnly = await registeredUserToken(stack, 'writer', 'write')
    expect((await get('/api/v1/preferences', writeOnly.token)).status).toBe(403)
  })
})

describe('GET /api/v1/custom_emojis', () => {
  it("lists this instance's emoji in shortcode order, not remote ones", async () => {
    expect((await get('/api/v1/custom_emojis')).body).toEqual([])
    await stack.db.batch([
      stack.db.prepare(
        `INSERT INTO custom_emojis (id, shortcode, domain, url, static_url, r2_key, visible_in_picker, category) VALUES
          ('1', 'sheep', '', 'https://unused.example/a.png', 'https://unused.example/a.png', 'emoji/sheep.png', 1, 'Animals'),
          ('2', 'goat', '', 'https://cdn.example/goat.gif', 'https://cdn.example/goat.png', NULL, 0, NULL),
          ('3', 'alpaca', 'remote.example', 'https://remote.example/alpaca.png', 'https://remote.example/alpaca.png', NULL, 1, NULL)`,
      ),
    ])
    const res = await get('/api/v1/custom_emojis')
    expect(res.status).toBe(200)
    const list = res.body as unknown[]
    for (const e of list) expect(schemaErrors(mastodonValidator('CustomEmoji'), e)).toEqual([])
    expect(list).toEqual([
      { shortcode: 'goat', url: 'https://cdn.example/goat.gif', static_url: 'https://cdn.example/goat.png', visible_in_picker: false, category: null },
      { shortcode: 'sheep', url: `${stack.url.origin}/media/emoji/sheep.png`, static_url: `${stack.url.origin}/media/emoji/sheep.png`, visible_in_picker: true, category: 'Animals' },
    ])
  })
})
