// Trends (/api/v1/trends/*) from real activity: posts, favourites and reblogs through the client
// API, counted by the rollups of migration 0018 and tag_days (0006), over HTTP against the stack.
import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { callApi, linkPath, peopleNamed } from '../helpers/api'

type NamedPerson = { token: string; id: string }
type Json = Record<string, unknown>

let stack: Stack
let alice: NamedPerson
let bob: NamedPerson
let carol: NamedPerson
let dave: NamedPerson
const DAY = 86_400_000

const api = (method: string, path: string, token?: string, body?: unknown) => callApi(stack, method, path, token, body)
const list = (body: unknown) => body as Json[]
const rowsRead = (headers: Headers) => Number(headers.get('x-herd-d1-rows-read'))
const today = () => Math.floor(Date.now() / DAY)

async function post(person: NamedPerson, status: string, visibility = 'public'): Promise<string> {
  const res = await api('POST', '/api/v1/statuses', person.token, { status, visibility })
  expect(res.status).toBe(200)
  return String((res.body as Json).id)
}

let s1 = ''
let s2 = ''
let s3 = ''

beforeAll(async () => {
  stack = await startStack()
  ;[alice, bob, carol, dave] = (await peopleNamed(stack, 'alice', 'bob', 'carol', 'dave')) as [NamedPerson, NamedPerson, NamedPerson, NamedPerson]
  // Tags: #goats by alice (twice) and bob; #sheep by carol and alice; #llamas by dave.
  s1 = await post(alice, 'I love #goats, see https://Example.com/goats?utm_source=feed&id=7#top')
  s2 = await post(bob, '#goats again https://example.com/goats?id=7')
  await post(carol, '#sheep https://other.example/wool')
  await post(alice, '#sheep and #goats')
  await post(dave, '#llamas')
  // Not public: counted for tags (as Mastodon counts them) but never a trending link or status.
  s3 = await post(dave, 'secret https://secret.example/x', 'private')
  // s1: two favourites and a reblog; s2: one favourite; s3 (private): favourites do not count.
  for (const p of [bob, carol]) expect((await api('POST', `/api/v1/statuses/${s1}/favourite`, p.token)).status).toBe(200)
  expect((await api('POST', `/api/v1/statuses/${s1}/reblog`, dave.token)).status).toBe(200)
  expect((await api('POST', `/api/v1/statuses/${s2}/favourite`, carol.token)).status).toBe(200)
  await api('POST', `/api/v1/accounts/${dave.id}/follow`, alice.token)
  expect((await api('POST', `/api/v1/statuses/${s3}/favourite`, alice.token)).status).toBe(200)
})
afterAll(async () => {
  await stack.dispose()
})

describe('GET /api/v1/trends/tags', () => {
  it('ranks today’s tags by the accounts using them, as Tag entities with a week of history', async () => {
    const res = await api('GET', '/api/v1/trends/tags')
    expect(res.status).toBe(200)
    const tags = list(res.body)
    for (const t of tags) expect(schemaErrors(mastodonValidator('Tag'), t)).toEqual([])
    expect(tags.map((t) => t.name)).toEqual(['goats', 'sheep', 'llamas'])
    const history = tags[0]?.history as Json[]
    expect(history).toHaveLength(7)
    expect(history[0]).toEqual({ day: String(today() * 86_400), uses: '3', accounts: '2' })
    // The older name answers the same.
    expect((await api('GET', '/api/v1/trends')).body).toEqual(res.body)
  })

  it('counts yesterday too, pages with limit and offset, and refuses bad paging with 400', async () => {
    const llamas = await stack.db.prepare("SELECT id FROM tags WHERE name = 'llamas'").first<{ id: string }>()
    await stack.db
      .prepare('INSERT INTO tag_days (tag_id, day, uses, accounts) VALUES (?, ?, 9, 5)')
      .bind(llamas?.id, today() - 1)
      .run()
    expect(list((await api('GET', '/api/v1/trends/tags')).body).map((t) => t.name)).toEqual(['llamas', 'goats', 'sheep'])
    const page = await api('GET', '/api/v1/trends/tags?limit=1&offset=1')
    expect(list(page.body).map((t) => t.name)).toEqual(['goats'])
    const next = await api('GET', String(linkPath(page.headers, 'next')))
    expect(list(next.body).map((t) => t.name)).toEqual(['sheep'])
    expect(list((await api('GET', String(linkPath(page.headers, 'prev')))).body).map((t) => t.name)).toEqual(['llamas'])
    expect((await api('GET', '/api/v1/trends/tags?offset=500')).body).toEqual([])
    for (const bad of ['limit=x', 'offset=-1', 'offset=1.5']) {
      const res = await api('GET', `/api/v1/trends/tags?${bad}`)
      expect(res.status).toBe(400)
      expect(res.body).toHaveProperty('error')
    }
  })
})

describe('GET /api/v1/trends/statuses', () => {
  it('ranks recent public statuses by favourites and reblogs', async () => {
    const res = await api('GET', '/api/v1/trends/statuses')
    expect(res.status).toBe(200)
    for (const s of list(res.body)) expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
    expect(list(res.body).map((s) => s.id)).toEqual([s1, s2])
    expect(list(res.body)[0]).toMatchObject({ favourites_count: 2, reblogs_count: 1 })
  })

  it('applies the viewer’s blocks and mutes, and follows unfavourites down', async () => {
    expect((await api('POST', `/api/v1/accounts/${bob.id}/block`, alice.token)).status).toBe(200)
    expect(list((await api('GET', '/api/v1/trends/statuses', alice.token)).body).map((s) => s.id)).toEqual([s1])
    expect(list((await api('GET', '/api/v1/trends/statuses', carol.token)).body).map((s) => s.id)).toEqual([s1, s2])
    await api('POST', `/api/v1/accounts/${bob.id}/unblock`, alice.token)
    await api('POST', `/api/v1/accounts/${alice.id}/mute`, carol.token)
    expect(list((await api('GET', '/api/v1/trends/statuses', carol.token)).body).map((s) => s.id)).toEqual([s2])
    await api('POST', `/api/v1/accounts/${alice.id}/unmute`, carol.token)
    expect((await api('POST', `/api/v1/statuses/${s2}/unfavourite`, carol.token)).status).toBe(200)
    expect(list((await api('GET', '/api/v1/trends/statuses')).body).map((s) => s.id)).toEqual([s1])
  })

  it('leaves out statuses older than the window', async () => {
    const old = String(BigInt(Date.now() - 10 * DAY) << 16n)
    await stack.db
      .prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, content, created_at) VALUES (?, 'https://h.example/old', ?, 1, 'public', '<p>old</p>', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 days'))")
      .bind(old, dave.id)
      .run()
    for (const p of [alice, bob, carol]) await api('POST', `/api/v1/statuses/${old}/favourite`, p.token)
    expect(list((await api('GET', '/api/v1/trends/statuses')).body).map((s) => s.id)).toEqual([s1])
  })
})

describe('GET /api/v1/trends/links', () => {
  it('ranks links of public statuses by the accounts sharing them, normalized, with history', async () => {
    const res = await api('GET', '/api/v1/trends/links')
    expect(res.status).toBe(200)
    const links = list(res.body)
    for (const l of links) expect(schemaErrors(mastodonValidator('TrendsLink'), l)).toEqual([])
    expect(links.map((l) => l.url)).toEqual(['https://example.com/goats?id=7', 'https://other.example/wool'])
    expect(links[0]).toMatchObject({ title: 'https://example.com/goats?id=7', provider_name: 'example.com', type: 'link' })
    expect((links[0]?.history as Json[])[0]).toEqual({ day: String(today() * 86_400), uses: '2', accounts: '2' })
    expect(list((await api('GET', '/api/v1/trends/links?limit=1&offset=1')).body).map((l) => l.url)).toEqual(['https://other.example/wool'])
  })
})

describe('GET /api/v1/timelines/link', () => {
  it('lists the public posts sharing a link, newest first, found by its normalized form', async () => {
    const res = await api('GET', `/api/v1/timelines/link?url=${encodeURIComponent('https://example.com/goats?id=7&utm_medium=x')}`)
    expect(res.status).toBe(200)
    expect(list(res.body).map((st) => st.id)).toEqual([s2, s1])
    for (const st of list(res.body)) expect(schemaErrors(mastodonValidator('Status'), st)).toEqual([])
    const first = await api('GET', `/api/v1/timelines/link?limit=1&url=${encodeURIComponent('https://example.com/goats?id=7')}`)
    expect(list(first.body).map((st) => st.id)).toEqual([s2])
    const next = await api('GET', linkPath(first.headers, 'next')!)
    expect(list(next.body).map((st) => st.id)).toEqual([s1])
  })

  it('answers 404 for a link only private posts share, 400 without a url and 422 for one that is not http(s)', async () => {
    expect((await api('GET', `/api/v1/timelines/link?url=${encodeURIComponent('https://secret.example/x')}`, alice.token)).status).toBe(404)
    expect((await api('GET', '/api/v1/timelines/link')).status).toBe(400)
    expect((await api('GET', '/api/v1/timelines/link?url=ftp%3A%2F%2Fexample.com%2F')).status).toBe(422)
  })
})

describe('cost', () => {
  it('reads a bounded number of rows however many statuses, tags and links there are', async () => {
    // 500 more public statuses today, each with its own tag and link, favourited by bob.
    const base = BigInt(Date.now()) << 16n
    const db = stack.db
    const n = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)`
    await db.batch([
      db.prepare(`${n} INSERT INTO statuses (id, uri, account_id, local, visibility, content) SELECT CAST(? + i AS TEXT), 'https://h.example/bulk/' || i, ?, 1, 'public', '<p>bulk</p>' FROM n`).bind(String(base), carol.id),
      db.prepare(`${n} INSERT INTO tags (id, name) SELECT CAST(? + i AS TEXT), 'bulk' || i FROM n`).bind(String(base)),
      db.prepare(`${n} INSERT INTO status_tags (tag_id, status_id) SELECT CAST(? + i AS TEXT), CAST(? + i AS TEXT) FROM n`).bind(String(base), String(base)),
      db.prepare(`${n} INSERT INTO status_links (status_id, url, account_id, day) SELECT CAST(? + i AS TEXT), 'https://bulk.example/' || i, ?, ? FROM n`).bind(String(base), carol.id, today()),
      db.prepare(`${n} INSERT INTO favourites (id, account_id, status_id) SELECT CAST(? + i AS TEXT), ?, CAST(? + i AS TEXT) FROM n`).bind(String(base), bob.id, String(base)),
    ])
    expect((await db.prepare('SELECT count(*) AS n FROM status_trends').first<{ n: number }>())?.n).toBeGreaterThan(500)
    const tags = await api('GET', '/api/v1/trends/tags?limit=10', alice.token)
    const statuses = await api('GET', '/api/v1/trends/statuses?limit=20', alice.token)
    const links = await api('GET', '/api/v1/trends/links?limit=10', alice.token)
    expect(list(tags.body)).toHaveLength(10)
    expect(list(statuses.body)[0]?.id).toBe(s1)
    expect(list(links.body)).toHaveLength(10)
    // Two days × (offset + limit) index rows, then the page's entries and their week of history.
    // Measured: 65, 74 and 42 rows, with 500 entries of each kind today.
    expect(rowsRead(tags.headers)).toBeLessThanOrEqual(80)
    expect(rowsRead(statuses.headers)).toBeLessThanOrEqual(100)
    expect(rowsRead(links.headers)).toBeLessThanOrEqual(60)
  })
})
