// The viewer's own collections: favourites and bookmarks (paged by their own rows), endorsements,
// featured tags and dismissed suggestions. Conversations have their own file (conversations.test.ts).
import { startStack, type Stack } from '../helpers/stack'
import { apiClient, linkPath, people, type Person } from '../helpers/api'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
let alice: Person
let bob: Person
let carol: Person

const rowsRead = (headers: Headers) => Number(headers.get('x-herd-d1-rows-read'))
const count = async (sql: string, ...binds: unknown[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? 0

beforeAll(async () => {
  stack = await startStack()
  const p = await people(stack, 'bob', 'carol')
  alice = p.alice
  ;[bob, carol] = p.others
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
})

async function post(who: Person, status: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await who.api('POST', '/api/v1/statuses', { status, ...extra })
  expect(res.status).toBe(200)
  return String(res.body.id)
}

describe.each([
  ['favourites', 'favourite', 'read:favourites'],
  ['bookmarks', 'bookmark', 'read:bookmarks'],
] as const)('GET /api/v1/%s', (list, action, scope) => {
  let posts: string[] = []

  beforeAll(async () => {
    posts = []
    for (let i = 0; i < 5; i++) posts.push(await post(bob, `${list} post ${i}`))
  })

  it('lists what the viewer saved, newest saved first (not newest posted), paged by Link headers', async () => {
    // Saved in an order unlike the posts' own: the list follows the saving.
    const order = [posts[2], posts[0], posts[4], posts[1], posts[3]] as string[]
    for (const id of order) expect((await alice.api('POST', `/api/v1/statuses/${id}/${action}`)).status).toBe(200)
    const all = await alice.api('GET', `/api/v1/${list}`)
    expect(all.status).toBe(200)
    expect(all.body.map((s: { id: string }) => s.id)).toEqual([...order].reverse())
    const validate = mastodonValidator('Status')
    for (const s of all.body) expect(schemaErrors(validate, s)).toEqual([])
    expect(all.body.every((s: Record<string, unknown>) => s[action === 'favourite' ? 'favourited' : 'bookmarked'] === true)).toBe(true)

    const first = await alice.api('GET', `/api/v1/${list}?limit=2`)
    expect(first.body.map((s: { id: string }) => s.id)).toEqual([order[4], order[3]])
    const next = linkPath(first.headers, 'next') as string
    // The cursor is the saved row's id, not a status id.
    const savedIds = (await stack.db.prepare(`SELECT id FROM ${list} WHERE account_id = ? ORDER BY id DESC`).bind(alice.id).all<{ id: string }>()).results.map((r) => r.id)
    expect(new URL(next, stack.url).searchParams.get('max_id')).toBe(savedIds[1])
    const second = await alice.api('GET', next)
    expect(second.body.map((s: { id: string }) => s.id)).toEqual([order[2], order[1]])
    const third = await alice.api('GET', linkPath(second.headers, 'next') as string)
    expect(third.body.map((s: { id: string }) => s.id)).toEqual([order[0]])
    const end = await alice.api('GET', linkPath(third.headers, 'next') as string)
    expect(end.body).toEqual([])
    expect(end.headers.get('link')).toBeNull()
    // And back up from the last page without gaps.
    const up = await alice.api('GET', linkPath(third.headers, 'prev') as string)
    expect(up.body.map((s: { id: string }) => s.id)).toEqual([order[2], order[1]])
  })

  it('is the viewer’s own, needs the scope, and refuses bad paging input with a 400', async () => {
    expect((await carol.api('GET', `/api/v1/${list}`)).body).toEqual([])
    expect((await apiClient(stack)('GET', `/api/v1/${list}`)).status).toBe(401)
    expect((await alice.api('GET', `/api/v1/${list}?max_id=nope`)).status).toBe(400)
    const { userToken } = await import('../helpers/auth')
    const narrow = await userToken(stack, 'alice', scope === 'read:favourites' ? 'read:bookmarks' : 'read:favourites')
    expect((await apiClient(stack, narrow.token)('GET', `/api/v1/${list}`)).status).toBe(403)
    const exact = await userToken(stack, 'alice', scope)
    expect((await apiClient(stack, exact.token)('GET', `/api/v1/${list}`)).status).toBe(200)
  })

  it('skips a status the viewer may no longer see, without stalling the paging', async () => {
    const hidden = await post(carol, `${list} followers only`, { visibility: 'private' })
    await alice.api('POST', `/api/v1/accounts/${carol.id}/follow`)
    expect((await alice.api('POST', `/api/v1/statuses/${hidden}/${action}`)).status).toBe(200)
    expect((await alice.api('GET', `/api/v1/${list}?limit=1`)).body.map((s: { id: string }) => s.id)).toEqual([hidden])
    await alice.api('POST', `/api/v1/accounts/${carol.id}/unfollow`)
    const page = await alice.api('GET', `/api/v1/${list}?limit=1`)
    expect(page.status).toBe(200)
    expect(page.body).toEqual([])
    // The empty page still links on past the hidden entry.
    const next = await alice.api('GET', linkPath(page.headers, 'next') as string)
    expect(next.body.map((s: { id: string }) => s.id)).toEqual([posts[3]])
  })
})

describe('favourites and bookmarks at scale', () => {
  it('read a bounded number of rows per page however many the viewer saved', async () => {
    const T = Date.UTC(2026, 0, 1)
    const N = 3000
    // Statuses by bob and carol, each favourited and bookmarked by alice (and favourited by carol).
    await stack.db.batch([
      stack.db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})
        INSERT INTO statuses (id, uri, account_id, local, visibility, content)
        SELECT printf('%d', (${T} + i * 1000) * 65536), 'https://x.example/scale/' || i, CASE WHEN i % 2 = 0 THEN ?1 ELSE ?2 END, 1, 'public', '<p>scale</p>' FROM n`).bind(bob.id, carol.id),
      stack.db.prepare(`INSERT INTO favourites (id, account_id, status_id) SELECT printf('%d', CAST(id AS INTEGER) + 7), ?1, id FROM statuses WHERE uri LIKE 'https://x.example/scale/%'`).bind(alice.id),
      stack.db.prepare(`INSERT INTO bookmarks (id, account_id, status_id) SELECT printf('%d', CAST(id AS INTEGER) + 7), ?1, id FROM statuses WHERE uri LIKE 'https://x.example/scale/%'`).bind(alice.id),
      // Other people's saved rows must not cost the viewer anything.
      stack.db.prepare(`INSERT INTO favourites (id, account_id, status_id) SELECT printf('%d', CAST(id AS INTEGER) + 9), ?1, id FROM statuses WHERE uri LIKE 'https://x.example/scale/%'`).bind(carol.id),
    ])
    expect(await count('SELECT count(*) AS n FROM favourites WHERE account_id = ?', alice.id)).toBeGreaterThan(N)
    for (const list of ['favourites', 'bookmarks']) {
      let path: string | null = `/api/v1/${list}?limit=40&max_id=${BigInt(T + 2000 * 1000) * 65536n}`
      let maxRows = 0
      let seen = 0
      for (let pageNo = 0; pageNo < 5 && path; pageNo++) {
        const res = await alice.api('GET', path)
        expect(res.status).toBe(200)
        expect(res.body).toHaveLength(40)
        seen += res.body.length
        maxRows = Math.max(maxRows, rowsRead(res.headers))
        path = linkPath(res.headers, 'next')
      }
      expect(seen).toBe(200)
      // 40 saved rows + 40 statuses + 2 authors + the viewer's flags for 40 ids + auth: well under 300.
      console.log(`rows read per page of 40 ${list}: ${maxRows}`)
      expect(maxRows).toBeLessThan(300)
    }
  })
})
