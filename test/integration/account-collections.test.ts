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

describe('endorsements', () => {
  const relationshipOf = async (who: Person, id: string) => (await who.api('GET', `/api/v1/accounts/relationships?id[]=${id}`)).body[0]

  it('take only accounts the viewer follows (422 otherwise), and show as endorsed in the relationship', async () => {
    const refused = await alice.api('POST', `/api/v1/accounts/${bob.id}/pin`)
    expect(refused.status).toBe(422)
    expect(refused.body.error).toMatch(/following/)
    expect(await count('SELECT count(*) AS n FROM account_endorsements')).toBe(0)
    expect((await alice.api('POST', `/api/v1/accounts/${alice.id}/pin`)).status).toBe(422)
    expect((await alice.api('POST', '/api/v1/accounts/999999999/pin')).status).toBe(404)
    expect((await alice.api('POST', '/api/v1/accounts/nope/endorse')).status).toBe(404)

    await alice.api('POST', `/api/v1/accounts/${bob.id}/follow`)
    await alice.api('POST', `/api/v1/accounts/${carol.id}/follow`)
    const pinned = await alice.api('POST', `/api/v1/accounts/${bob.id}/pin`)
    expect(pinned.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Relationship'), pinned.body)).toEqual([])
    expect(pinned.body).toMatchObject({ id: bob.id, following: true, endorsed: true })
    // Idempotent, and the 4.4 name does the same.
    expect((await alice.api('POST', `/api/v1/accounts/${bob.id}/pin`)).body.endorsed).toBe(true)
    expect((await alice.api('POST', `/api/v1/accounts/${carol.id}/endorse`)).body.endorsed).toBe(true)
    expect(await relationshipOf(alice, bob.id)).toMatchObject({ endorsed: true })
    expect(await relationshipOf(carol, bob.id)).toMatchObject({ endorsed: false })
  })

  it('are listed for the viewer and publicly, paged with Link headers', async () => {
    const mine = await alice.api('GET', '/api/v1/endorsements')
    expect(mine.status).toBe(200)
    for (const a of mine.body) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
    const expected = [bob.id, carol.id].sort().reverse()
    expect(mine.body.map((a: { id: string }) => a.id)).toEqual(expected)
    const first = await alice.api('GET', '/api/v1/endorsements?limit=1')
    expect(first.body.map((a: { id: string }) => a.id)).toEqual([expected[0]])
    const second = await alice.api('GET', linkPath(first.headers, 'next') as string)
    expect(second.body.map((a: { id: string }) => a.id)).toEqual([expected[1]])
    const publicView = await apiClient(stack)('GET', `/api/v1/accounts/${alice.id}/endorsements`)
    expect(publicView.status).toBe(200)
    expect(publicView.body.map((a: { id: string }) => a.id)).toEqual(expected)
    expect((await apiClient(stack)('GET', '/api/v1/accounts/999999999/endorsements')).status).toBe(404)
    expect((await apiClient(stack)('GET', '/api/v1/endorsements')).status).toBe(401)
  })

  it('are removed by unpin and by unfollowing', async () => {
    const unpinned = await alice.api('POST', `/api/v1/accounts/${bob.id}/unpin`)
    expect(unpinned.status).toBe(200)
    expect(unpinned.body).toMatchObject({ id: bob.id, endorsed: false, following: true })
    expect((await alice.api('POST', `/api/v1/accounts/${bob.id}/unendorse`)).body.endorsed).toBe(false)
    await alice.api('POST', `/api/v1/accounts/${carol.id}/unfollow`)
    expect(await relationshipOf(alice, carol.id)).toMatchObject({ endorsed: false, following: false })
    expect((await alice.api('GET', '/api/v1/endorsements')).body).toEqual([])
  })
})

describe('featured tags', () => {
  const validate = () => mastodonValidator('FeaturedTag')

  it('are featured by name with counts from the viewer’s own statuses, kept up to date by triggers', async () => {
    await post(alice, 'about #Goats and #hay')
    await post(alice, 'more #goats')
    await post(bob, 'not mine #goats')
    const created = await alice.api('POST', '/api/v1/featured_tags', { name: '#goats' })
    expect(created.status).toBe(200)
    expect(schemaErrors(validate(), created.body)).toEqual([])
    // The name as the hashtag was first written, as Mastodon shows a tag's display name.
    expect(created.body).toMatchObject({ name: 'Goats', statuses_count: '2' })
    expect(created.body.url).toBe(`${stack.url.origin}/@alice/tagged/goats`)
    expect(created.body.last_status_at).toBe(new Date().toISOString().slice(0, 10))
    await post(alice, 'yet more #GOATS')
    const [listed] = (await alice.api('GET', '/api/v1/featured_tags')).body
    expect(listed).toMatchObject({ id: created.body.id, statuses_count: '3' })
    const publicView = await apiClient(stack)('GET', `/api/v1/accounts/${alice.id}/featured_tags`)
    expect(publicView.body).toEqual([listed])
    for (const t of publicView.body) expect(schemaErrors(validate(), t)).toEqual([])
    expect((await apiClient(stack)('GET', '/api/v1/accounts/999999999/featured_tags')).status).toBe(404)
  })

  it('count only public and unlisted posts, and give a use back when its post is deleted', async () => {
    await post(alice, 'open #fleece')
    await post(alice, 'hidden #fleece', { visibility: 'private' })
    await post(alice, 'whisper #fleece', { visibility: 'direct' })
    const created = await alice.api('POST', '/api/v1/featured_tags', { name: 'fleece' })
    expect(created.body).toMatchObject({ statuses_count: '1' })
    const unlisted = await post(alice, 'quiet #fleece', { visibility: 'unlisted' })
    await post(alice, 'followers only #fleece', { visibility: 'private' })
    const shown = async () => (await alice.api('GET', '/api/v1/featured_tags')).body.find((t: Record<string, unknown>) => t.id === created.body.id)
    expect(await shown()).toMatchObject({ statuses_count: '2' })
    expect((await alice.api('DELETE', `/api/v1/statuses/${unlisted}`)).status).toBe(200)
    expect(await shown()).toMatchObject({ statuses_count: '1' })
    expect((await alice.api('DELETE', `/api/v1/featured_tags/${String(created.body.id)}`)).status).toBe(200)
  })

  it('refuse invalid names, duplicates and more than ten, changing nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM featured_tags')
    for (const body of [{}, { name: '' }, { name: 'not a tag' }, { name: '123' }, { name: 'goats' }, { name: '#Goats' }]) {
      const res = await alice.api('POST', '/api/v1/featured_tags', body)
      expect({ body, status: res.status }).toEqual({ body, status: 422 })
      expect(typeof res.body.error).toBe('string')
    }
    expect(await count('SELECT count(*) AS n FROM featured_tags')).toBe(before)
    for (let i = 0; i < 9; i++) expect((await alice.api('POST', '/api/v1/featured_tags', { name: `tag${i}` })).status).toBe(200)
    const eleventh = await alice.api('POST', '/api/v1/featured_tags', { name: 'onetoomany' })
    expect(eleventh.status).toBe(422)
    expect(eleventh.body.error).toMatch(/10/)
    expect(await count('SELECT count(*) AS n FROM featured_tags WHERE account_id = ?', alice.id)).toBe(10)
    expect(await count("SELECT count(*) AS n FROM tags WHERE name = 'onetoomany'")).toBe(0)
  })

  it('are deleted by their owner only', async () => {
    const list = (await alice.api('GET', '/api/v1/featured_tags')).body as Array<{ id: string; name: string }>
    const tag0 = list.find((t) => t.name === 'tag0') as { id: string }
    expect((await bob.api('DELETE', `/api/v1/featured_tags/${tag0.id}`)).status).toBe(404)
    expect((await alice.api('DELETE', '/api/v1/featured_tags/nope')).status).toBe(404)
    const res = await alice.api('DELETE', `/api/v1/featured_tags/${tag0.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({})
    expect((await alice.api('GET', '/api/v1/featured_tags')).body.map((t: { name: string }) => t.name)).not.toContain('tag0')
  })

  it('are suggested from the viewer’s most used hashtags not yet featured', async () => {
    await post(bob, '#meadow #meadow2')
    await post(bob, '#meadow again')
    await post(bob, '#Spring #meadow')
    const res = await bob.api('GET', '/api/v1/featured_tags/suggestions')
    expect(res.status).toBe(200)
    for (const t of res.body) expect(schemaErrors(mastodonValidator('Tag'), t)).toEqual([])
    expect(res.body.map((t: { name: string }) => t.name).slice(0, 1)).toEqual(['meadow'])
    expect(res.body.map((t: { name: string }) => t.name).sort()).toEqual(['goats', 'meadow', 'meadow2', 'spring'])
    expect((await bob.api('POST', '/api/v1/featured_tags', { name: 'meadow' })).status).toBe(200)
    const after = await bob.api('GET', '/api/v1/featured_tags/suggestions')
    expect(after.body.map((t: { name: string }) => t.name)).not.toContain('meadow')
    expect((await carol.api('GET', '/api/v1/featured_tags/suggestions')).body).toEqual([])
  })

  it('are featured and unfeatured through /api/v1/tags/:name (Mastodon 4.4)', async () => {
    const featured = await carol.api('POST', '/api/v1/tags/Brandnew/feature')
    expect(featured.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Tag'), featured.body)).toEqual([])
    expect(featured.body).toMatchObject({ name: 'brandnew', featuring: true })
    expect((await carol.api('GET', '/api/v1/featured_tags')).body).toMatchObject([{ name: 'Brandnew', statuses_count: '0', last_status_at: null }])
    expect((await carol.api('POST', '/api/v1/tags/brandnew/feature')).status).toBe(200)
    expect(await count('SELECT count(*) AS n FROM featured_tags WHERE account_id = ?', carol.id)).toBe(1)
    const unfeatured = await carol.api('POST', '/api/v1/tags/brandnew/unfeature')
    expect(unfeatured.body).toMatchObject({ name: 'brandnew', featuring: false })
    expect((await carol.api('GET', '/api/v1/featured_tags')).body).toEqual([])
    expect((await carol.api('POST', '/api/v1/tags/not%20a%20tag/feature')).status).toBe(422)
    expect((await carol.api('POST', '/api/v1/tags/neverused/unfeature')).status).toBe(404)
  })
  it('stay at ten under concurrent requests for the last place', async () => {
    const have = await count('SELECT count(*) AS n FROM featured_tags WHERE account_id = ?', bob.id)
    for (let i = have; i < 9; i++) expect((await bob.api('POST', '/api/v1/featured_tags', { name: `race${i}` })).status).toBe(200)
    const results = await Promise.all(['racea', 'raceb', 'racec', 'raced'].map((name) => bob.api('POST', '/api/v1/featured_tags', { name })))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 422)).toHaveLength(3)
    expect(await count('SELECT count(*) AS n FROM featured_tags WHERE account_id = ?', bob.id)).toBe(10)
  })
})

describe('DELETE /api/v1/suggestions/:account_id', () => {
  it('stops suggesting the account to the viewer, and only to them', async () => {
    for (const who of [bob, carol]) expect((await who.api('PATCH', '/api/v1/accounts/update_credentials', { discoverable: true })).status).toBe(200)
    const suggested = async (who: Person) => ((await who.api('GET', '/api/v1/suggestions')).body as Array<{ id: string }>).map((a) => a.id)
    expect(await suggested(alice)).toContain(carol.id)
    const res = await alice.api('DELETE', `/api/v1/suggestions/${carol.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({})
    expect(await suggested(alice)).not.toContain(carol.id)
    expect(((await alice.api('GET', '/api/v2/suggestions')).body as Array<{ account: { id: string } }>).map((s) => s.account.id)).not.toContain(carol.id)
    expect(await suggested(bob)).toContain(carol.id)
    expect((await alice.api('DELETE', `/api/v1/suggestions/${carol.id}`)).status).toBe(200)
    expect(await count('SELECT count(*) AS n FROM suggestion_dismissals')).toBe(1)
    expect((await alice.api('DELETE', '/api/v1/suggestions/999999999')).status).toBe(404)
    expect((await apiClient(stack)('DELETE', `/api/v1/suggestions/${carol.id}`)).status).toBe(401)
  })
})
