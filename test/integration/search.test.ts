import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { registeredUserToken, userTokenWithAccount } from '../helpers/auth'

let stack: Stack
let owner: { token: string; accountId: string }
let other: { token: string; accountId: string }

const T0 = Date.UTC(2026, 5, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)
const FLOCK = '113600000000000001'
const PASTOR = '113600000000000002'

beforeAll(async () => {
  stack = await startStack()
  owner = await userTokenWithAccount(stack, 'shepherd')
  other = await registeredUserToken(stack, 'goatherd')
  const db = stack.db
  const status = (n: number, account: string, visibility: string, content: string, extra: { text?: string; spoiler?: string; local?: number } = {}) =>
    db
      .prepare('INSERT INTO statuses (id, uri, account_id, local, visibility, content, text, spoiler_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(sid(n), `https://x.example/s/${n}`, account, extra.local ?? 0, visibility, content, extra.text ?? null, extra.spoiler ?? '')
  await db.batch([
    db.prepare("INSERT INTO accounts (id, username, domain, uri, display_name) VALUES (?, 'flock', 'remote.example', 'https://remote.example/users/flock', 'Woolly Flock')").bind(FLOCK),
    db.prepare("INSERT INTO accounts (id, username, domain, uri, display_name) VALUES (?, 'pastor', 'far.example', 'https://far.example/users/pastor', 'Pastor of the hills')").bind(PASTOR),
    status(1, owner.accountId, 'public', '<p>Meadow grass <span class="h-card"><a href="https://x.example/@alice" class="u-url mention">@<span>alice</span></a></span> &amp; clover</p>', { local: 1 }),
    status(2, FLOCK, 'unlisted', '<p>Meadow flowers</p>'),
    status(3, FLOCK, 'private', '<p>Meadow secret</p>'),
    status(4, owner.accountId, 'private', '<p>Meadow diary</p>', { local: 1 }),
    status(5, other.accountId, 'direct', '<p>Meadow whisper</p>', { local: 1 }),
    // A local post: its source text is what is indexed, not the rendered HTML.
    status(6, owner.accountId, 'public', '<p>rendered version</p>', { local: 1, text: 'Plain source words about the meadow' }),
    status(7, PASTOR, 'public', '<p>Meadow sermon</p>', { spoiler: 'Long hillside homily' }),
  ])
})
afterAll(async () => {
  await stack.dispose()
})

type Json = Record<string, unknown>
async function get(path: string, token: string | null = null): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await stack.fetch(path, token === null ? {} : { headers: { Authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers }
}
const ids = (list: unknown) => (list as Array<{ id: string }>).map((x) => x.id)
const validSearch = (body: unknown) => schemaErrors(mastodonValidator('Search'), body)

describe('GET /api/v2/search: statuses', () => {
  it('finds what the viewer may see, newest first: public, unlisted and their own, not others’ private or direct posts', async () => {
    const res = await get('/api/v2/search?q=meadow&type=statuses', owner.token)
    expect(res.status).toBe(200)
    expect(validSearch(res.body)).toEqual([])
    expect(ids(res.body.statuses)).toEqual([sid(7), sid(6), sid(4), sid(2), sid(1)])
    const theirs = await get('/api/v2/search?q=meadow&type=statuses', other.token)
    expect(ids(theirs.body.statuses)).toEqual([sid(7), sid(6), sid(5), sid(2), sid(1)])
  })

  it('indexes words, not HTML: markup and attribute values do not match, entities are decoded', async () => {
    for (const q of ['href', 'class', 'span', 'mention', 'amp', 'rendered']) {
      expect({ q, found: ids((await get(`/api/v2/search?q=${q}&type=statuses`, owner.token)).body.statuses) }).toEqual({ q, found: [] })
    }
    expect(ids((await get('/api/v2/search?q=clover%20grass&type=statuses', owner.token)).body.statuses)).toEqual([sid(1)])
    expect(ids((await get('/api/v2/search?q=alice&type=statuses', owner.token)).body.statuses)).toEqual([sid(1)])
    expect(ids((await get('/api/v2/search?q=source%20words&type=statuses', owner.token)).body.statuses)).toEqual([sid(6)])
    expect(ids((await get('/api/v2/search?q=homily&type=statuses', owner.token)).body.statuses)).toEqual([sid(7)])
  })

  it('treats the query as words, not FTS5 syntax', async () => {
    for (const q of ['meadow"', 'meadow OR', '"*', 'NEAR(meadow', 'meadow AND -x', ':', '^meadow']) {
      const res = await get(`/api/v2/search?q=${encodeURIComponent(q)}&type=statuses`, owner.token)
      expect({ q, status: res.status }).toEqual({ q, status: 200 })
    }
  })

  it('filters by account, pages with limit, offset and max_id', async () => {
    expect(ids((await get(`/api/v2/search?q=meadow&type=statuses&account_id=${FLOCK}`, owner.token)).body.statuses)).toEqual([sid(2)])
    expect(ids((await get('/api/v2/search?q=meadow&type=statuses&limit=2', owner.token)).body.statuses)).toEqual([sid(7), sid(6)])
    expect(ids((await get('/api/v2/search?q=meadow&type=statuses&limit=2&offset=2', owner.token)).body.statuses)).toEqual([sid(4), sid(2)])
    expect(ids((await get(`/api/v2/search?q=meadow&type=statuses&max_id=${sid(4)}`, owner.token)).body.statuses)).toEqual([sid(2), sid(1)])
    expect(ids((await get(`/api/v2/search?q=meadow&type=statuses&min_id=${sid(4)}`, owner.token)).body.statuses)).toEqual([sid(7), sid(6)])
    expect(ids((await get(`/api/v2/search?q=meadow&type=statuses&min_id=${sid(1)}&limit=2`, owner.token)).body.statuses)).toEqual([sid(4), sid(2)])
  })

  it('follows edits and deletes, whoever writes them', async () => {
    await stack.db.prepare("UPDATE statuses SET content = '<p>Pasture flowers</p>' WHERE id = ?").bind(sid(2)).run()
    expect(ids((await get('/api/v2/search?q=pasture&type=statuses', owner.token)).body.statuses)).toEqual([sid(2)])
    expect(ids((await get('/api/v2/search?q=meadow&type=statuses', owner.token)).body.statuses)).not.toContain(sid(2))
    await stack.db.prepare('DELETE FROM statuses WHERE id = ?').bind(sid(2)).run()
    expect(ids((await get('/api/v2/search?q=pasture&type=statuses', owner.token)).body.statuses)).toEqual([])
    const pending = await stack.db.prepare('SELECT count(*) AS n FROM search_index_queue').first<{ n: number }>()
    expect(pending?.n).toBe(0)
  })

  it('leaves out accounts the viewer blocks or mutes', async () => {
    await stack.db.prepare("INSERT INTO blocks (id, account_id, target_account_id) VALUES ('113600000000000900', ?, ?)").bind(owner.accountId, PASTOR).run()
    expect(ids((await get('/api/v2/search?q=sermon&type=statuses', owner.token)).body.statuses)).toEqual([])
    expect(ids((await get('/api/v2/search?q=pastor&type=accounts', owner.token)).body.accounts)).toEqual([])
    expect(ids((await get('/api/v2/search?q=sermon&type=statuses', other.token)).body.statuses)).toEqual([sid(7)])
    await stack.db.prepare('DELETE FROM blocks WHERE id = ?').bind('113600000000000900').run()
    await stack.db.prepare("INSERT INTO mutes (id, account_id, target_account_id) VALUES ('113600000000000901', ?, ?)").bind(owner.accountId, PASTOR).run()
    expect(ids((await get('/api/v2/search?q=sermon&type=statuses', owner.token)).body.statuses)).toEqual([])
    await stack.db.prepare('DELETE FROM mutes WHERE id = ?').bind('113600000000000901').run()
  })

  it('searches no statuses for a signed-out visitor, and refuses resolve and offset without sign-in', async () => {
    const anon = await get('/api/v2/search?q=meadow')
    expect(anon.status).toBe(200)
    expect(validSearch(anon.body)).toEqual([])
    expect(anon.body.statuses).toEqual([])
    expect((await get('/api/v2/search?q=@flock@remote.example&resolve=true')).status).toBe(401)
    expect((await get('/api/v2/search?q=meadow&type=accounts&offset=1')).status).toBe(401)
  })
})

describe('GET /api/v2/search: accounts and hashtags', () => {
  it('finds accounts by username prefix, display name and exact address', async () => {
    const byPrefix = await get('/api/v2/search?q=floc&type=accounts', owner.token)
    expect(validSearch(byPrefix.body)).toEqual([])
    expect(ids(byPrefix.body.accounts)).toEqual([FLOCK])
    expect(ids((await get('/api/v2/search?q=woolly&type=accounts')).body.accounts)).toEqual([FLOCK])
    expect(ids((await get('/api/v2/search?q=%40flock%40remote.example&type=accounts')).body.accounts)).toEqual([FLOCK])
    expect(ids((await get('/api/v2/search?q=flock%40far.example&type=accounts')).body.accounts)).toEqual([])
    const local = await get('/api/v2/search?q=shepherd&type=accounts')
    expect(ids(local.body.accounts)).toEqual([owner.accountId])
    for (const a of local.body.accounts as unknown[]) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
  })

  it('follows renames, and `following` keeps only followed accounts', async () => {
    await stack.db.prepare("UPDATE accounts SET display_name = 'Fleecy Flock' WHERE id = ?").bind(FLOCK).run()
    expect(ids((await get('/api/v2/search?q=fleecy&type=accounts')).body.accounts)).toEqual([FLOCK])
    expect(ids((await get('/api/v2/search?q=woolly&type=accounts')).body.accounts)).toEqual([])
    expect(ids((await get('/api/v2/search?q=flock&type=accounts&following=true', owner.token)).body.accounts)).toEqual([])
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('113600000000000800', ?, ?)").bind(owner.accountId, FLOCK).run()
    expect(ids((await get('/api/v2/search?q=flock&type=accounts&following=true', owner.token)).body.accounts)).toEqual([FLOCK])
  })

  it('finds hashtags by prefix, case-insensitively, with their history', async () => {
    await stack.db.batch([
      stack.db.prepare("INSERT INTO tags (id, name) VALUES ('113600000000000701', 'Meadowlark'), ('113600000000000702', 'meadows'), ('113600000000000703', 'pasture')"),
    ])
    const res = await get('/api/v2/search?q=%23MEADOW&type=hashtags', owner.token)
    expect(validSearch(res.body)).toEqual([])
    const tags = res.body.hashtags as Array<{ name: string; history: unknown[]; following?: boolean }>
    expect(tags.map((t) => t.name)).toEqual(['meadowlark', 'meadows'])
    expect(tags[0]?.history).toHaveLength(7)
    expect(tags[0]?.following).toBe(false)
    expect((await get('/api/v2/search?q=meadow', owner.token)).body.hashtags).toHaveLength(2)
    expect((await get('/api/v2/search?q=meadow&type=hashtags&offset=1', owner.token)).body.hashtags).toHaveLength(1)
  })

  it('resolve=true asks the federation resolver and still answers with what is known', async () => {
    const res = await get('/api/v2/search?q=%40flock%40remote.example&resolve=true', owner.token)
    expect(res.status).toBe(200)
    expect(validSearch(res.body)).toEqual([])
    expect(ids(res.body.accounts)).toEqual([FLOCK])
  })

  it('resolve=true with a URL answers only what the resolver found, not a search of the words in the URL', async () => {
    await stack.db
      .prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, text) VALUES (?, 'https://x.example/s/link', ?, 1, 'public', 'Read https://nowhere.invalid/meadow')")
      .bind(sid(8), owner.accountId)
      .run()
    const url = encodeURIComponent('https://nowhere.invalid/meadow')
    const words = await get(`/api/v2/search?q=${url}&type=statuses`, owner.token)
    expect(ids(words.body.statuses)).toEqual([sid(8)])
    const resolved = await get(`/api/v2/search?q=${url}&resolve=true`, owner.token)
    expect(resolved.status).toBe(200)
    expect(resolved.body).toEqual({ accounts: [], statuses: [], hashtags: [] })
  })

  it('refuses bad parameters with 400', async () => {
    expect((await get('/api/v2/search')).status).toBe(400)
    expect((await get('/api/v2/search?q=x&type=people')).status).toBe(400)
    expect((await get('/api/v2/search?q=x&limit=many')).status).toBe(400)
    expect((await get('/api/v2/search?q=x&account_id=nobody', owner.token)).status).toBe(400)
    const empty = await get('/api/v2/search?q=')
    expect(empty.body).toEqual({ accounts: [], statuses: [], hashtags: [] })
  })
})

describe('GET /api/v1/accounts/search', () => {
  it('answers accounts only, with the same matching', async () => {
    const res = await stack.fetch('/api/v1/accounts/search?q=fleec&limit=5')
    expect(res.status).toBe(200)
    const body = (await res.json()) as unknown[]
    expect(ids(body)).toEqual([FLOCK])
    for (const a of body) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
    expect((await stack.fetch('/api/v1/accounts/search')).status).toBe(400)
  })
})

describe('search cost', () => {
  const SEEDED = 5000
  beforeAll(async () => {
    // 5,000 remote posts: every one says "bench", one in 50 also "rare".
    await stack.db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEEDED})
      INSERT INTO statuses (id, uri, account_id, local, visibility, content)
      SELECT printf('%d', (${T0} + 100000000 + i * 1000) * 65536), 'https://x.example/bench/' || i, '${FLOCK}', 0, 'public',
             '<p>Bench post ' || i || CASE WHEN i % 50 = 0 THEN ' rare' ELSE '' END || '</p>' FROM n`).run()
    // Searches replay the 5,000 queued changes into the index, at most 4,000 per request.
    const first = await get('/api/v2/search?q=bench&type=statuses', owner.token)
    const pending = await stack.db.prepare('SELECT count(*) AS n FROM search_index_queue').first<{ n: number }>()
    expect(pending?.n).toBe(SEEDED - 4000)
    const second = await get('/api/v2/search?q=bench&type=statuses', owner.token)
    const replayRows = Number(first.headers.get('x-herd-d1-rows-read')) + Number(second.headers.get('x-herd-d1-rows-read'))
    console.log(`replaying ${SEEDED} seeded statuses into the index (two searches): ${replayRows} rows read`)
  }, 120_000)

  it.each([
    ['a word in every post', 'bench', 20],
    ['a word in one post in 50', 'rare', 20],
  ])('reads a bounded number of rows for %s', async (_what, q, limit) => {
    const res = await get(`/api/v2/search?q=${q}&type=statuses&limit=${limit}`, owner.token)
    expect((res.body.statuses as unknown[]).length).toBe(limit)
    const rows = Number(res.headers.get('x-herd-d1-rows-read'))
    console.log(`search "${q}" over ${SEEDED} statuses: ${rows} rows read`)
    // Token, the empty replay queue, index pages, the page's statuses and their author: about 2 per result.
    expect(rows).toBeLessThanOrEqual(3 * limit)
  })

  it('pages to the last match with max_id', async () => {
    let maxId = ''
    let seen = 0
    for (let pages = 0; pages < 10; pages++) {
      const res = await get(`/api/v2/search?q=rare&type=statuses&limit=40${maxId}`, owner.token)
      const page = ids(res.body.statuses)
      if (page.length === 0) break
      seen += page.length
      maxId = `&max_id=${page[page.length - 1]}`
    }
    expect(seen).toBe(SEEDED / 50)
  })
})
