// The streaming API over real WebSockets and SSE against the whole stack in workerd. Events are
// published through the harness (backend/streaming/publish.ts), as posting and the consumer will.
import WebSocket from 'ws'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { registeredUserToken, userToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
let alice: { token: string; accountId: string }
let bob: { token: string; accountId: string }
let carol: { token: string; accountId: string }
let dave: { token: string; accountId: string }
let notifOnly: string
const GOAT = '700' // a remote account bob blocks
const T0 = Date.UTC(2026, 7, 1)
let seq = 0
const nextId = () => String(BigInt(T0 + ++seq * 1000) << 16n)

interface Frame {
  stream?: string[]
  event?: string
  payload?: string
  error?: string
  status?: number
}

class Client {
  readonly frames: Frame[] = []
  closed: { code: number; reason: string } | null = null
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame))
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }))
  }
  send(message: unknown): void {
    this.ws.send(JSON.stringify(message))
  }
  /** Waits for a frame matching `match` and returns it. */
  next(match: (f: Frame) => boolean, what: string): Promise<Frame> {
    return eventually(async () => this.frames.find(match), what)
  }
  payloadsOf(event: string, stream?: string): Array<{ id: string }> {
    return this.frames
      .filter((f) => f.event === event && (stream === undefined || f.stream?.[0] === stream))
      .map((f) => (event === 'delete' ? { id: String(f.payload) } : (JSON.parse(String(f.payload)) as { id: string })))
  }
  close(): void {
    this.ws.close()
  }
}

function wsUrl(path: string): string {
  const u = new URL(path, stack.url)
  u.protocol = 'ws:'
  return u.href
}

function open(path: string, options: { token?: string; protocols?: string[] } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(path), options.protocols ?? [], options.token ? { headers: { Authorization: `Bearer ${options.token}` } } : {})
    const client = new Client(ws)
    ws.once('open', () => resolve(client))
    ws.once('unexpected-response', (req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`))
      res.resume()
      req.destroy()
    })
    ws.on('error', reject)
  })
}

async function subscriptions(): Promise<number> {
  const res = await stack.harness('/streaming/subscribers')
  return ((await res.json()) as { subscriptions: number }).subscriptions
}

/** Sends subscribe messages and waits until the shards hold them. */
async function subscribe(client: Client, ...subs: Array<Record<string, string>>): Promise<void> {
  const before = await subscriptions()
  for (const s of subs) client.send({ type: 'subscribe', ...s })
  await eventually(async () => (await subscriptions()) >= before + subs.length, 'subscriptions to land')
}

async function harness(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await stack.harness(path, { method: 'POST', body: JSON.stringify(body) })
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

/** Inserts a status as posting will, fans it out to home feeds, and publishes it. */
async function post(
  author: string,
  options: { visibility?: string; local?: boolean; tags?: string[]; mentions?: string[]; reblogOf?: string; publish?: boolean } = {},
): Promise<string> {
  const id = nextId()
  const db = stack.db
  const statements = [
    db
      .prepare('INSERT INTO statuses (id, uri, account_id, local, visibility, content, reblog_of_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(id, `https://meadow.example/s/${id}`, author, options.local === false ? 0 : 1, options.visibility ?? 'public', `<p>post ${id}</p>`, options.reblogOf ?? null),
  ]
  for (const tag of options.tags ?? []) {
    statements.push(db.prepare('INSERT OR IGNORE INTO tags (id, name) VALUES (?, ?)').bind(nextId(), tag))
    statements.push(db.prepare('INSERT INTO status_tags (tag_id, status_id) SELECT id, ? FROM tags WHERE name = ? COLLATE NOCASE').bind(id, tag))
  }
  for (const m of options.mentions ?? []) statements.push(db.prepare('INSERT INTO status_mentions (status_id, account_id) VALUES (?, ?)').bind(id, m))
  await db.batch(statements)
  await harness('/timelines/fan-out', { statusId: id })
  if (options.publish !== false) await harness('/streaming/status', { statusId: id })
  return id
}

/** Publishes a public post by alice that every public socket gets: once it arrives, anything published before it has too. */
async function marker(...clients: Client[]): Promise<string> {
  const id = await post(alice.accountId, { tags: ['marker'] })
  for (const c of clients) await c.next((f) => f.event === 'update' && String(f.payload).includes(`"id":"${id}"`), `marker ${id}`)
  return id
}

beforeAll(async () => {
  stack = await startStack()
  alice = { token: (await userToken(stack, 'alice', 'read write')).token, accountId: '' }
  const me = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${alice.token}` } })
  alice.accountId = String(((await me.json()) as { id: string }).id)
  bob = await registeredUserToken(stack, 'bob', 'read write')
  carol = await registeredUserToken(stack, 'carol', 'read write')
  dave = await registeredUserToken(stack, 'dave', 'read write')
  notifOnly = (await registeredUserToken(stack, 'nina', 'read:notifications')).token
  const db = stack.db
  await db.batch([
    db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES (?, 'goat', 'remote.example', 'https://remote.example/users/goat')").bind(GOAT),
    // bob follows alice and the goat; not carol, not dave.
    db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('801', ?, ?)").bind(bob.accountId, alice.accountId),
    db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('802', ?, ?)").bind(bob.accountId, GOAT),
    // bob mutes dave and blocks the goat.
    db.prepare("INSERT INTO mutes (id, account_id, target_account_id) VALUES ('811', ?, ?)").bind(bob.accountId, dave.accountId),
    db.prepare("INSERT INTO blocks (id, account_id, target_account_id) VALUES ('812', ?, ?)").bind(bob.accountId, GOAT),
  ])
})
afterAll(async () => {
  await stack.dispose()
})

describe('GET /api/v1/streaming', () => {
  it('answers the health check', async () => {
    const res = await stack.fetch('/api/v1/streaming/health')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('OK')
  })

  it('refuses a missing or bad token with 401 before the upgrade, and app tokens too', async () => {
    await expect(open('/api/v1/streaming?stream=public')).rejects.toThrow('HTTP 401')
    await expect(open('/api/v1/streaming?stream=public&access_token=nope')).rejects.toThrow('HTTP 401')
    await expect(open('/api/v1/streaming?stream=public', { protocols: ['nope'] })).rejects.toThrow('HTTP 401')
    const sse = await stack.fetch('/api/v1/streaming/public', { headers: { Authorization: 'Bearer nope' } })
    expect(sse.status).toBe(401)
  })

  it('takes the token from the query, the Authorization header or the subprotocol (echoed back)', async () => {
    const byQuery = await open(`/api/v1/streaming?access_token=${bob.token}`)
    const byHeader = await open('/api/v1/streaming', { token: bob.token })
    const byProtocol = await open('/api/v1/streaming', { protocols: [bob.token] })
    expect(byProtocol.ws.protocol).toBe(bob.token)
    for (const c of [byQuery, byHeader, byProtocol]) c.close()
  })

  it('answers an unknown stream with Mastodon’s error; a bad first stream also closes the socket', async () => {
    const c = await open('/api/v1/streaming', { token: bob.token })
    c.send({ type: 'subscribe', stream: 'nonsense' })
    expect(await c.next((f) => f.error !== undefined, 'error')).toEqual({ error: 'Unknown stream type', status: 400 })
    c.send({ type: 'subscribe', stream: 'hashtag' })
    expect(await c.next((f) => f.error === 'No tag for stream provided', 'tag error')).toEqual({ error: 'No tag for stream provided', status: 400 })
    expect(c.closed).toBeNull()
    c.close()

    const bad = await open('/api/v1/streaming?stream=nonsense', { token: bob.token })
    await eventually(async () => bad.closed, 'the close')
    expect(bad.frames).toEqual([{ error: 'Unknown stream type', status: 400 }])
    expect(bad.closed?.code).toBe(1008)

    const sse = await stack.fetch('/api/v1/streaming/nonsense', { headers: { Authorization: `Bearer ${bob.token}` } })
    expect(sse.status).toBe(400)
    expect(await sse.json()).toEqual({ error: 'Unknown channel requested' })
  })

  it('closes the connections of a token when it is revoked', async () => {
    const { token, app } = await userToken(stack, 'alice', 'read')
    const ws = await open('/api/v1/streaming?stream=public', { token })
    const sse = await stack.fetch('/api/v1/streaming/public', { headers: { Authorization: `Bearer ${token}` } })
    const reader = (sse.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    const other = await open('/api/v1/streaming?stream=public', { token: alice.token })
    const res = await stack.fetch('/oauth/revoke', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: app.client_id, client_secret: app.client_secret, token }),
    })
    expect(res.status).toBe(200)
    await eventually(async () => ws.closed, 'the revoked socket to close')
    expect(ws.closed?.code).toBe(1008)
    // The event stream ends too.
    for (let r = await reader.read(); !r.done; r = await reader.read());
    expect(other.closed).toBeNull()
    other.close()
  })

  it('refuses streams the token’s scopes do not cover', async () => {
    const c = await open('/api/v1/streaming', { token: notifOnly })
    c.send({ type: 'subscribe', stream: 'public' })
    expect(await c.next((f) => f.error !== undefined, 'scope error')).toEqual({ error: 'Access token does not have the required scopes', status: 401 })
    c.close()
  })
})

describe('events', () => {
  let bobSocket: Client
  let aliceSocket: Client

  beforeAll(async () => {
    // One socket, several streams.
    bobSocket = await open('/api/v1/streaming?stream=user', { token: bob.token })
    await subscribe(
      bobSocket,
      { stream: 'public' },
      { stream: 'public:local' },
      { stream: 'public:remote' },
      { stream: 'hashtag', tag: 'Meadow' },
      { stream: 'hashtag:local', tag: 'meadow' },
      { stream: 'user:notification' },
      { stream: 'direct' },
    )
    aliceSocket = await open('/api/v1/streaming', { token: alice.token })
    await subscribe(aliceSocket, { stream: 'public' }, { stream: 'user' })
  })
  afterAll(() => {
    bobSocket.close()
    aliceSocket.close()
  })

  it('sends a followed account’s public post to user, public, public:local and hashtag streams, in Mastodon’s shape', async () => {
    const id = await post(alice.accountId, { tags: ['meadow'] })
    await marker(bobSocket)
    const mine = bobSocket.frames.filter((f) => String(f.payload).includes(`"id":"${id}"`))
    expect(mine.map((f) => f.stream).sort()).toEqual([['hashtag', 'Meadow'], ['hashtag:local', 'meadow'], ['public'], ['public:local'], ['user']])
    for (const f of mine) {
      expect(f.event).toBe('update')
      expect(typeof f.payload).toBe('string')
      expect(schemaErrors(mastodonValidator('Status'), JSON.parse(String(f.payload)))).toEqual([])
    }
    // The author's own home gets it too.
    await aliceSocket.next((f) => f.stream?.[0] === 'user' && String(f.payload).includes(`"id":"${id}"`), 'alice home update')
  })

  it('sends followers-only posts to followers’ user stream only, and nothing of people not followed', async () => {
    const followed = await post(alice.accountId, { visibility: 'private' })
    const stranger = await post(carol.accountId, { visibility: 'private' })
    const unlisted = await post(carol.accountId, { visibility: 'unlisted', tags: ['meadow'] })
    await marker(bobSocket)
    expect(bobSocket.payloadsOf('update', 'user').map((s) => s.id)).toContain(followed)
    expect(bobSocket.payloadsOf('update', 'public').map((s) => s.id)).not.toContain(followed)
    const all = bobSocket.frames.map((f) => String(f.payload))
    expect(all.some((p) => p.includes(stranger))).toBe(false)
    // Unlisted posts stay off the public and hashtag streams, as off those timelines.
    expect(all.some((p) => p.includes(unlisted))).toBe(false)
  })

  it('leaves out posts of muted and blocked accounts, and those that mention them, while others get them', async () => {
    const muted = await post(dave.accountId, { tags: ['meadow'] })
    const blocked = await post(GOAT, { local: false })
    const mentioning = await post(carol.accountId, { mentions: [dave.accountId] })
    await aliceSocket.next((f) => String(f.payload).includes(`"id":"${mentioning}"`), 'alice gets the mention')
    await marker(bobSocket, aliceSocket)
    const bobSaw = bobSocket.frames.map((f) => String(f.payload))
    for (const id of [muted, blocked, mentioning]) expect(bobSaw.some((p) => p.includes(id))).toBe(false)
    const aliceSaw = aliceSocket.payloadsOf('update', 'public').map((s) => s.id)
    expect(aliceSaw).toEqual(expect.arrayContaining([muted, blocked, mentioning]))
  })

  it('sends remote public posts to public:remote, not public:local', async () => {
    const db = stack.db
    await db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES ('701', 'sheep', 'remote.example', 'https://remote.example/users/sheep')").run()
    const id = await post('701', { local: false })
    await marker(bobSocket)
    const streams = bobSocket.frames.filter((f) => String(f.payload).includes(`"id":"${id}"`)).map((f) => f.stream?.[0])
    expect(streams.sort()).toEqual(['public', 'public:remote'])
  })

  it('sends edits as status.update, and deletes only to the streams that could show the post', async () => {
    const id = await post(alice.accountId, { visibility: 'private' })
    await stack.db.prepare("UPDATE statuses SET content = '<p>edited</p>', edited_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").bind(id).run()
    await harness('/streaming/status', { statusId: id, event: 'status.update' })
    const edit = await bobSocket.next((f) => f.event === 'status.update', 'the edit')
    expect(edit.stream).toEqual(['user'])
    expect(JSON.parse(String(edit.payload))).toMatchObject({ id, content: '<p>edited</p>' })

    const strangers = await post(carol.accountId, { visibility: 'private' })
    for (const gone of [id, strangers]) {
      const audience = await harness('/streaming/audience', { statusId: gone })
      await stack.db.prepare('DELETE FROM statuses WHERE id = ?').bind(gone).run()
      await harness('/streaming/delete', { statusId: gone, audience })
    }
    await marker(bobSocket)
    const deletes = bobSocket.frames.filter((f) => f.event === 'delete')
    expect(deletes).toEqual([{ stream: ['user'], event: 'delete', payload: id }])
  })

  it('sends notifications created through the queue to user:notification and user', async () => {
    await harness('/notifications/create', { items: [{ accountId: bob.accountId, fromAccountId: alice.accountId, type: 'follow', key: 'follow:stream-test' }] })
    const byStream = await eventually(async () => {
      const frames = bobSocket.frames.filter((f) => f.event === 'notification')
      return frames.length >= 2 ? frames : undefined
    }, 'two notification frames')
    expect(byStream.map((f) => f.stream?.[0]).sort()).toEqual(['user', 'user:notification'])
    const n = JSON.parse(String(byStream[0]?.payload)) as Record<string, unknown>
    expect(n).toMatchObject({ type: 'follow', account: { id: alice.accountId } })
    expect(schemaErrors(mastodonValidator('Notification'), n)).toEqual([])
    // Nobody else hears of it.
    expect(aliceSocket.frames.some((f) => f.event === 'notification')).toBe(false)
  })

  it('sends a direct status as a conversation to its participants only', async () => {
    const id = await post(alice.accountId, { visibility: 'direct', mentions: [bob.accountId] })
    const conv = await bobSocket.next((f) => f.event === 'conversation', 'the conversation')
    expect(conv.stream).toEqual(['direct'])
    const c = JSON.parse(String(conv.payload)) as { id: string; unread: boolean; accounts: Array<{ id: string }>; last_status: { id: string } }
    expect(c).toMatchObject({ id, unread: true, last_status: { id } })
    expect(c.accounts.map((a) => a.id)).toEqual([alice.accountId])
    expect(schemaErrors(mastodonValidator('Conversation'), c)).toEqual([])
    await marker(aliceSocket)
    expect(aliceSocket.frames.some((f) => f.event === 'conversation')).toBe(false) // alice has no direct subscription
  })

  it('stops sending a stream once unsubscribed, and keeps the others', async () => {
    const before = await subscriptions()
    bobSocket.send({ type: 'unsubscribe', stream: 'public:local' })
    await eventually(async () => (await subscriptions()) === before - 1, 'the unsubscribe')
    const id = await post(alice.accountId)
    await marker(bobSocket)
    const streams = bobSocket.frames.filter((f) => String(f.payload).includes(`"id":"${id}"`)).map((f) => f.stream?.[0])
    expect(streams.sort()).toEqual(['public', 'user'])
  })

  it('keeps every subscription when the object forgets its memory (hibernation): they come back from the attachments', async () => {
    const stats = async () => (await (await stack.harness('/streaming/subscribers')).json()) as { sockets: number; restored: number }
    const before = await stats()
    await harness('/streaming/forget-memory', {})
    const id = await post(alice.accountId, { tags: ['meadow'] })
    await marker(bobSocket)
    // Every socket's session was read back from its attachment, none from memory.
    const after = await stats()
    expect(after.restored - before.restored).toBeGreaterThanOrEqual(before.sockets)
    const streams = bobSocket.frames.filter((f) => String(f.payload).includes(`"id":"${id}"`)).map((f) => f.stream?.[0])
    expect(streams.sort()).toEqual(['hashtag', 'hashtag:local', 'public', 'user'])
  })
})

describe('Server-Sent Events', () => {
  it('streams a path’s events as event/data lines, with the same filtering', async () => {
    const res = await stack.fetch('/api/v1/streaming/hashtag?tag=meadow', { headers: { Authorization: `Bearer ${bob.token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let text = ''
    const decoder = new TextDecoder()
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        text += decoder.decode(value)
      }
    }
    await readUntil(':)')
    await eventually(async () => ((await (await stack.harness('/streaming/subscribers')).json()) as { eventStreams: number }).eventStreams === 1, 'the SSE client')
    const muted = await post(dave.accountId, { tags: ['meadow'] })
    const id = await post(alice.accountId, { tags: ['meadow'] })
    await readUntil(`"id":"${id}"`)
    expect(text).toMatch(new RegExp(`event: update\\ndata: \\{"id":"${id}"[^\\n]*\\n\\n`))
    expect(text).not.toContain(muted)
    await reader.cancel()
  })

  it('needs a token and a tag', async () => {
    expect((await stack.fetch('/api/v1/streaming/user')).status).toBe(401)
    const res = await stack.fetch('/api/v1/streaming/hashtag', { headers: { Authorization: `Bearer ${bob.token}` } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'No tag for stream provided' })
  })
})
