import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { appToken, consent, location, pkce, tokenRequest, userToken } from '../helpers/auth'

let stack: Stack
let token: string
let writeOnly: string
let me: string
const T0 = Date.UTC(2026, 6, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)

beforeAll(async () => {
  stack = await startStack()
  const signedIn = await userToken(stack, 'shepherd', 'read write')
  token = signedIn.token
  // A second token for the same person, with write scope only.
  const { verifier, challenge } = pkce()
  const decided = await consent(signedIn.browser, signedIn.app, 'write', challenge)
  const code = new URL(location(decided)).searchParams.get('code') ?? ''
  const { body } = await tokenRequest(stack, { grant_type: 'authorization_code', code, client_id: signedIn.app.client_id, redirect_uri: signedIn.app.redirect_uri, code_verifier: verifier })
  writeOnly = String(body.access_token)
  const res = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${token}` } })
  me = ((await res.json()) as { id: string }).id

  // Someone the shepherd follows posts 30 times (public and followers-only); the feed is fanned out as posting does.
  const db = stack.db
  await db.batch([
    db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES ('500', 'flock', 'remote.example', 'https://remote.example/users/flock')"),
    db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('600', ?, '500')").bind(me),
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
      INSERT INTO statuses (id, uri, account_id, local, visibility, content) SELECT printf('%d', (${T0} + i * 1000) * 65536), 'https://remote.example/s/' || i, '500', 0, CASE WHEN i % 3 = 0 THEN 'private' ELSE 'public' END, '<p>' || i || '</p>' FROM n`),
  ])
  for (let i = 1; i <= 30; i++) {
    const res = await stack.harness('/timelines/fan-out', { method: 'POST', body: JSON.stringify({ statusId: sid(i) }) })
    expect(res.status).toBe(200)
  }
})
afterAll(async () => {
  await stack.dispose()
})

const get = async (path: string, bearer?: string) => {
  const res = await stack.fetch(path, bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {})
  return { status: res.status, body: (await res.json()) as unknown, headers: res.headers }
}
const ids = (body: unknown) => (body as Array<{ id: string }>).map((s) => s.id)

describe('GET /api/v1/timelines/home', () => {
  it('pages through the fanned-out feed, followers-only posts included, with Link headers', async () => {
    const first = await get('/api/v1/timelines/home?limit=20', token)
    expect(first.status).toBe(200)
    expect(ids(first.body)).toEqual(Array.from({ length: 20 }, (_, i) => sid(30 - i)))
    for (const s of first.body as unknown[]) expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
    expect((first.body as Array<{ visibility: string }>).filter((s) => s.visibility === 'private')).toHaveLength(7)
    expect(first.headers.get('link')).toContain(`max_id=${sid(11)}>; rel="next"`)
    const rest = await get(`/api/v1/timelines/home?limit=20&max_id=${sid(11)}`, token)
    expect(ids(rest.body)).toEqual(Array.from({ length: 10 }, (_, i) => sid(10 - i)))
    const up = await get(`/api/v1/timelines/home?limit=5&min_id=${sid(10)}`, token)
    expect(ids(up.body)).toEqual([sid(15), sid(14), sid(13), sid(12), sid(11)])
  })

  it('reads rows bounded by the page size', async () => {
    const { headers } = await get('/api/v1/timelines/home?limit=20', token)
    // Token check, feed range scan with its statuses, and their author.
    expect(Number(headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(100)
  })

  it('needs a signed-in person with read:statuses', async () => {
    expect((await get('/api/v1/timelines/home')).status).toBe(401)
    expect(await get('/api/v1/timelines/home', writeOnly)).toMatchObject({ status: 403, body: { error: 'This action is outside the authorized scopes' } })
    const app = await appToken(stack, 'read')
    expect((await get('/api/v1/timelines/home', app.token)).status).toBe(422)
  })
})
