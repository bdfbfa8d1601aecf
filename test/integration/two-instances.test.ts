// Two Herd instances exactly as `npm start` runs them (wrangler pages dev, own port and state), each
// allowed to reach the other over loopback http by HERD_DEV_ALLOW_HOSTS, federating through their
// queues. Everything is driven through the Mastodon client API, as a person with an app would.
import { rmSync } from 'node:fs'
import WebSocket from 'ws'
import { launch, migrateLocal, waitUntilReady, type LocalStack } from '../../scripts/local-stack'
import { userToken } from '../helpers/auth'
import { eventually, freePort, TEST_KEK, type Stack } from '../helpers/stack'


interface Instance {
  stack: LocalStack
  persist: string
  host: string
  /** Enough of a test Stack for the sign-in helpers: real HTTP to this instance. */
  http: Stack
}

async function start(port: number, allow: string): Promise<Instance> {
  const persist = `.wrangler/test-two-${port}`
  rmSync(persist, { recursive: true, force: true })
  await migrateLocal(persist)
  const stack = launch({ port, persist, stdio: 'ignore', bindings: { HERD_LOGIN: 'builtin', HERD_KEK: TEST_KEK, HERD_DEV_ALLOW_HOSTS: allow } })
  await waitUntilReady(stack.url)
  const url = new URL(stack.url)
  const http = { url, fetch: (path: string, init?: RequestInit) => fetch(new URL(path, url), { redirect: 'manual', ...init }) } as unknown as Stack
  return { stack, persist, host: url.host, http }
}

type Json = Record<string, unknown> & { id: string }
function client(instance: Instance, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json & Json[] }> => {
    const res = await instance.http.fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Json & Json[] }
  }
}

let a: Instance
let b: Instance
let alice: ReturnType<typeof client>
let bob: ReturnType<typeof client>
let bobToken = ''
let bobOnA = ''
let aliceOnB = ''
/** The same status on each side: its id on A (where it was posted) and on B. */
let postOnA = ''
let postOnB = ''

const wait = <T>(check: () => Promise<T | undefined | null | false>, what: string) => eventually(check, what, 300, 200)

beforeAll(async () => {
  const [pa, pb] = [await freePort(), await freePort()]
  const allow = `127.0.0.1:${pa},127.0.0.1:${pb}`
  // One after the other: two wrangler processes starting at once race for their dev registry.
  a = await start(pa, allow)
  b = await start(pb, allow)
  alice = client(a, (await userToken(a.http, 'alice', 'read write follow')).token)
  bobToken = (await userToken(b.http, 'bob', 'read write follow')).token
  bob = client(b, bobToken)
}, 240_000)

afterAll(async () => {
  for (const i of [a, b]) {
    i?.stack.stop()
    if (i) rmSync(i.persist, { recursive: true, force: true })
  }
})

it('finds an account on the other instance and follows it, through the Accept', async () => {
  const found = await bob('GET', `/api/v1/accounts/lookup?acct=alice@${a.host}`)
  expect(found.status).toBe(200)
  expect(found.body.acct).toBe(`alice@${a.host}`)
  aliceOnB = found.body.id
  expect((await bob('POST', `/api/v1/accounts/${aliceOnB}/follow`)).status).toBe(200)
  await wait(async () => (await bob('GET', `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following === true, 'the Accept to reach B')
  const me = await alice('GET', '/api/v1/accounts/verify_credentials')
  const followers = await alice('GET', `/api/v1/accounts/${me.body.id}/followers`)
  expect(followers.body.map((f) => f.acct)).toEqual([`bob@${b.host}`])
  bobOnA = followers.body[0]!.id
  const notes = await alice('GET', '/api/v1/notifications')
  expect(notes.body.some((n) => n.type === 'follow')).toBe(true)
}, 120_000)

it('delivers a post to the follower\'s home timeline', async () => {
  postOnA = (await alice('POST', '/api/v1/statuses', { status: 'Hello from A #herd' })).body.id
  const seen = await wait(async () => (await bob('GET', '/api/v1/timelines/home')).body.find((s) => String(s.content).includes('Hello from A')), 'the post on B')
  postOnB = seen.id
  expect(seen.account).toMatchObject({ id: aliceOnB })
}, 120_000)

it("shows a post federated in from the other instance live on the follower's streams", async () => {
  const url = new URL('/api/v1/streaming', b.stack.url)
  url.protocol = 'ws:'
  url.searchParams.set('access_token', bobToken)
  url.searchParams.set('stream', 'user')
  const ws = new WebSocket(url.href)
  const frames: Array<{ stream?: string[]; event?: string; payload?: string }> = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as (typeof frames)[number]))
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    ws.send(JSON.stringify({ type: 'subscribe', stream: 'public:remote' }))
    // Messages on a socket are handled in order, so the error answering an unknown stream proves the subscribe landed.
    ws.send(JSON.stringify({ type: 'subscribe', stream: 'no-such-stream' }))
    await wait(async () => frames.some((f) => f.event === undefined), 'the subscription to land')
    await alice('POST', '/api/v1/statuses', { status: 'Live from A' })
    const live = await wait(async () => {
      const updates = frames.filter((f) => f.event === 'update' && String(f.payload).includes('Live from A'))
      return updates.length >= 2 ? updates : null
    }, 'the federated post on the sockets')
    expect(live.map((f) => f.stream).sort()).toEqual([['public:remote'], ['user']])
    expect(JSON.parse(String(live[0]?.payload))).toMatchObject({ account: { id: aliceOnB, acct: `alice@${a.host}` } })
  } finally {
    ws.close()
  }
}, 120_000)

it('threads a reply on the instance of the post it answers', async () => {
  // alice follows bob back, so his reply reaches her instance. (Mentions written as @user@host:port
  // do not parse: a port is not part of a handle, so local instances cannot mention each other.)
  const bobHere = await alice('GET', `/api/v1/accounts/lookup?acct=bob@${b.host}`)
  await alice('POST', `/api/v1/accounts/${bobHere.body.id}/follow`)
  await wait(async () => (await alice('GET', `/api/v1/accounts/relationships?id[]=${bobHere.body.id}`)).body[0]?.following === true, 'the Accept to reach A')
  const reply = await bob('POST', '/api/v1/statuses', { status: 'and hello back', in_reply_to_id: postOnB })
  expect(reply.status).toBe(200)
  const ctx = await wait(async () => {
    const c = await alice('GET', `/api/v1/statuses/${postOnA}/context`)
    return c.body && (c.body as unknown as { descendants: Json[] }).descendants.length > 0 ? (c.body as unknown as { descendants: Json[] }) : null
  }, 'the reply on A')
  expect(ctx.descendants[0]?.account).toMatchObject({ id: bobOnA })
}, 120_000)

it('carries likes and boosts, and their undos', async () => {
  await bob('POST', `/api/v1/statuses/${postOnB}/favourite`)
  await bob('POST', `/api/v1/statuses/${postOnB}/reblog`)
  await wait(async () => {
    const s = (await alice('GET', `/api/v1/statuses/${postOnA}`)).body
    return s.favourites_count === 1 && s.reblogs_count === 1
  }, 'the like and the boost on A')
  const types = (await alice('GET', '/api/v1/notifications')).body.map((n) => n.type)
  expect(types).toEqual(expect.arrayContaining(['favourite', 'reblog']))
  await bob('POST', `/api/v1/statuses/${postOnB}/unfavourite`)
  await bob('POST', `/api/v1/statuses/${postOnB}/unreblog`)
  await wait(async () => {
    const s = (await alice('GET', `/api/v1/statuses/${postOnA}`)).body
    return s.favourites_count === 0 && s.reblogs_count === 0
  }, 'the Undo of both on A')
}, 120_000)

it('carries an edit and then the delete', async () => {
  await alice('PUT', `/api/v1/statuses/${postOnA}`, { status: 'Hello from A, edited #herd' })
  await wait(async () => String((await bob('GET', `/api/v1/statuses/${postOnB}`)).body.content).includes('edited'), 'the edit on B')
  const history = await bob('GET', `/api/v1/statuses/${postOnB}/history`)
  expect(history.body.length).toBe(2)
  await alice('DELETE', `/api/v1/statuses/${postOnA}`)
  await wait(async () => (await bob('GET', `/api/v1/statuses/${postOnB}`)).status === 404, 'the delete on B')
}, 120_000)

it('holds a follow of a locked account until it is authorized', async () => {
  await alice('PATCH', '/api/v1/accounts/update_credentials', { locked: true })
  await bob('POST', `/api/v1/accounts/${aliceOnB}/unfollow`)
  await wait(async () => (await alice('GET', `/api/v1/accounts/relationships?id[]=${bobOnA}`)).body[0]?.followed_by === false, 'the Undo Follow on A')
  await bob('POST', `/api/v1/accounts/${aliceOnB}/follow`)
  await wait(async () => (await alice('GET', '/api/v1/follow_requests')).body.length === 1, 'the follow request on A')
  expect((await bob('GET', `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]).toMatchObject({ following: false, requested: true })
  await alice('POST', `/api/v1/follow_requests/${bobOnA}/authorize`)
  await wait(async () => (await bob('GET', `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following === true, 'the Accept of the request on B')
}, 120_000)
