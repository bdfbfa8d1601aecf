import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { registeredUserToken, userTokenWithAccount } from '../helpers/auth'

let stack: Stack
let owner: { token: string; accountId: string }
let reader: string
const MEADOW = '113700000000000001'
const FLOCK = '113700000000000101'
const T0 = Date.UTC(2026, 5, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)

beforeAll(async () => {
  stack = await startStack()
  owner = await userTokenWithAccount(stack, 'shepherd')
  reader = (await registeredUserToken(stack, 'reader', 'read')).token
  const db = stack.db
  // Three posts tagged #Meadow today, from two accounts; one more written 10 days ago (outside the week).
  await db.batch([
    db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES (?, 'flock', 'remote.example', 'https://remote.example/users/flock')").bind(FLOCK),
    db.prepare("INSERT INTO tags (id, name) VALUES (?, 'Meadow')").bind(MEADOW),
    ...[1, 2, 3].map((n) =>
      db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility) VALUES (?, ?, ?, 0, 'public')").bind(sid(n), `https://x.example/s/${n}`, n === 3 ? owner.accountId : FLOCK),
    ),
    db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, created_at) VALUES (?, 'https://x.example/s/old', ?, 0, 'public', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 days'))").bind(sid(4), FLOCK),
    ...[1, 2, 3, 4].map((n) => db.prepare('INSERT INTO status_tags (tag_id, status_id) VALUES (?, ?)').bind(MEADOW, sid(n))),
  ])
})
afterAll(async () => {
  await stack.dispose()
})

type Json = Record<string, unknown>
async function call(method: string, path: string, token: string | null = null): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await stack.fetch(path, { method, ...(token === null ? {} : { headers: { Authorization: `Bearer ${token}` } }) })
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers }
}
const validTag = (body: unknown) => schemaErrors(mastodonValidator('Tag'), body)
const today = () => String(Math.floor(Date.now() / 86_400_000) * 86_400)

describe('GET /api/v1/tags/:name', () => {
  it('shows the tag with a week of history counted by day, case-insensitively', async () => {
    const res = await call('GET', '/api/v1/tags/MEADOW')
    expect(res.status).toBe(200)
    expect(validTag(res.body)).toEqual([])
    expect(res.body).toMatchObject({ id: MEADOW, name: 'meadow', url: `${stack.url.origin}/tags/meadow` })
    expect(res.body).not.toHaveProperty('following')
    const history = res.body.history as Array<{ day: string; uses: string; accounts: string }>
    expect(history).toHaveLength(7)
    expect(history[0]).toEqual({ day: today(), uses: '3', accounts: '2' })
    expect(history.slice(1).every((d) => d.uses === '0' && d.accounts === '0')).toBe(true)
    expect(Number(history[0]?.day) - Number(history[1]?.day)).toBe(86_400)
  })

  it('reads a bounded number of rows, however often the tag was used', async () => {
    const res = await call('GET', '/api/v1/tags/meadow', owner.token)
    // Token, the tag, at most 7 day counters, the viewer's follow.
    expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(12)
  })

  it('answers 404 for an unknown tag and 422 for a name that is not a hashtag', async () => {
    expect((await call('GET', '/api/v1/tags/nothinghere')).status).toBe(404)
    expect((await call('GET', '/api/v1/tags/not%20a%20tag')).status).toBe(422)
    expect((await call('GET', '/api/v1/tags/1234')).status).toBe(422)
  })
})

describe('following hashtags', () => {
  it('follow and unfollow, idempotently, with `following` in every answer', async () => {
    const followed = await call('POST', '/api/v1/tags/meadow/follow', owner.token)
    expect(followed.status).toBe(200)
    expect(validTag(followed.body)).toEqual([])
    expect(followed.body).toMatchObject({ id: MEADOW, following: true })
    expect((await call('POST', '/api/v1/tags/Meadow/follow', owner.token)).body).toMatchObject({ following: true })
    const rows = await stack.db.prepare('SELECT count(*) AS n FROM tag_follows WHERE account_id = ?').bind(owner.accountId).first<{ n: number }>()
    expect(rows?.n).toBe(1)
    expect((await call('GET', '/api/v1/tags/meadow', owner.token)).body).toMatchObject({ following: true })
    expect((await call('GET', '/api/v1/tags/meadow', reader)).body).toMatchObject({ following: false })
    const unfollowed = await call('POST', '/api/v1/tags/meadow/unfollow', owner.token)
    expect(unfollowed.body).toMatchObject({ following: false })
    expect(validTag(unfollowed.body)).toEqual([])
    expect((await call('POST', '/api/v1/tags/meadow/unfollow', owner.token)).body).toMatchObject({ following: false })
  })

  it('following a tag nobody used yet creates it', async () => {
    const res = await call('POST', '/api/v1/tags/Lambing/follow', owner.token)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'lambing', following: true })
    expect((await call('GET', '/api/v1/tags/lambing')).status).toBe(200)
    await call('POST', '/api/v1/tags/lambing/unfollow', owner.token)
  })

  it('needs write:follows, a signed-in person and a valid name, and changes nothing otherwise', async () => {
    expect((await call('POST', '/api/v1/tags/meadow/follow')).status).toBe(401)
    expect((await call('POST', '/api/v1/tags/meadow/follow', reader)).status).toBe(403)
    expect((await call('POST', '/api/v1/tags/bad%20name/follow', owner.token)).status).toBe(422)
    expect((await call('POST', '/api/v1/tags/unknowntag/unfollow', owner.token)).status).toBe(404)
    expect((await call('GET', '/api/v1/tags/meadow/follow', owner.token)).status).toBe(405)
    const rows = await stack.db.prepare('SELECT count(*) AS n FROM tag_follows').first<{ n: number }>()
    expect(rows?.n).toBe(0)
  })
})

describe('GET /api/v1/followed_tags', () => {
  it('lists followed tags newest first and pages with Link headers', async () => {
    for (const name of ['ewes', 'rams', 'lambs']) expect((await call('POST', `/api/v1/tags/${name}/follow`, owner.token)).status).toBe(200)
    const first = await call('GET', '/api/v1/followed_tags?limit=2', owner.token)
    expect(first.status).toBe(200)
    const page = first.body as unknown as Array<{ name: string; following: boolean }>
    for (const t of page) expect(validTag(t)).toEqual([])
    expect(page.map((t) => t.name)).toEqual(['lambs', 'rams'])
    expect(page.every((t) => t.following)).toBe(true)
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1]
    expect(next).toBeDefined()
    const rest = await call('GET', new URL(next ?? '').pathname + new URL(next ?? '').search, owner.token)
    expect((rest.body as unknown as Array<{ name: string }>).map((t) => t.name)).toEqual(['ewes'])
    const prev = /<([^>]+)>; rel="prev"/.exec(rest.headers.get('link') ?? '')?.[1] ?? ''
    const back = await call('GET', new URL(prev).pathname + new URL(prev).search, owner.token)
    expect((back.body as unknown as Array<{ name: string }>).map((t) => t.name)).toEqual(['lambs', 'rams'])
  })

  it('needs read:follows and a signed-in person', async () => {
    expect((await call('GET', '/api/v1/followed_tags')).status).toBe(401)
    const { token } = await registeredUserToken(stack, 'writer', 'write')
    expect((await call('GET', '/api/v1/followed_tags', token)).status).toBe(403)
    expect((await call('GET', '/api/v1/followed_tags', reader)).body).toEqual([])
  })
})

describe('followed hashtags feed home', () => {
  it("a public post with a followed tag reaches the follower's home; unlisted, untagged and blocked authors' posts do not", async () => {
    const poster = await registeredUserToken(stack, 'poster', 'read write follow')
    const blocked = await registeredUserToken(stack, 'loud', 'read write follow')
    expect((await call('POST', '/api/v1/tags/shearing/follow', owner.token)).status).toBe(200)
    expect((await call('POST', `/api/v1/accounts/${blocked.accountId}/block`, owner.token)).status).toBe(200)
    const postAs = async (token: string, status: string, visibility = 'public') => {
      const res = await stack.fetch('/api/v1/statuses', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ status, visibility }),
      })
      expect(res.status).toBe(200)
      return String(((await res.json()) as Json).id)
    }
    const tagged = await postAs(poster.token, 'Shearing day tomorrow #Shearing')
    const unlisted = await postAs(poster.token, 'quietly #shearing', 'unlisted')
    const plain = await postAs(poster.token, 'no tag here')
    const fromBlocked = await postAs(blocked.token, 'me too #shearing')
    const home = (await (await stack.fetch('/api/v1/timelines/home', { headers: { Authorization: `Bearer ${owner.token}` } })).json()) as Json[]
    const ids = home.map((s) => s.id)
    expect(ids).toContain(tagged)
    expect(ids).not.toContain(unlisted)
    expect(ids).not.toContain(plain)
    expect(ids).not.toContain(fromBlocked)
  })
})
