// Announcement events on the `user` stream of every local account, over real WebSockets: published
// by the admin, reacted to, deleted, in the shapes of Mastodon's streaming API.
import WebSocket from 'ws'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

interface Frame {
  stream?: string[]
  event?: string
  payload?: string
}

let stack: Stack
let owner: { token: string; accountId: string }
const users: Array<{ token: string; accountId: string }> = []
let notifOnly: { token: string; accountId: string }

function open(stream: string, token: string): Promise<{ frames: Frame[]; ws: WebSocket }> {
  const u = new URL(`/api/v1/streaming?stream=${stream}`, stack.url)
  u.protocol = 'ws:'
  const ws = new WebSocket(u.href, { headers: { Authorization: `Bearer ${token}` } })
  const frames: Frame[] = []
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame))
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ frames, ws }))
    ws.once('error', reject)
  })
}

async function subscriptions(): Promise<number> {
  const res = await stack.harness('/streaming/subscribers')
  return ((await res.json()) as { subscriptions: number }).subscriptions
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await stack.fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

beforeAll(async () => {
  stack = await startStack()
  owner = await registeredUserToken(stack, 'shepherd', 'read write admin:read admin:write')
  // Enough accounts that their sockets fall in several of the streaming shards.
  for (const name of ['bob', 'carol', 'dave', 'erin', 'fred']) users.push(await registeredUserToken(stack, name, 'read write'))
  notifOnly = await registeredUserToken(stack, 'nina', 'read write')
})
afterAll(async () => {
  await stack.dispose()
})

describe('announcement events', () => {
  it('go to the user stream of every local account, and nowhere else', async () => {
    const sockets = await Promise.all([owner, ...users].map((u) => open('user', u.token)))
    const other = await open('user:notification', notifOnly.token)
    const pub = await open('public', notifOnly.token)
    await eventually(async () => (await subscriptions()) >= sockets.length + 2, 'the subscriptions')
    const every = (event: string, match: (f: Frame) => boolean = () => true) =>
      Promise.all(sockets.map((s, i) => eventually(async () => s.frames.find((f) => f.event === event && match(f)), `${event} on socket ${i}`)))

    const created = await call('POST', '/api/v1/admin/announcements', owner.token, { text: 'Shearing on Sunday' })
    expect(created.status).toBe(200)
    const id = String(created.body.id)
    const published = await every('announcement')
    for (const f of published) {
      expect(f.stream).toEqual(['user'])
      const announcement = JSON.parse(String(f.payload)) as Record<string, unknown>
      expect(schemaErrors(mastodonValidator('Announcement'), announcement)).toEqual([])
      expect(announcement).toMatchObject({ id, content: '<p>Shearing on Sunday</p>', reactions: [] })
      expect(announcement).not.toHaveProperty('read')
    }

    const [bob, carol] = users as unknown as [{ token: string }, { token: string }]
    expect((await call('PUT', `/api/v1/announcements/${id}/reactions/${encodeURIComponent('🐑')}`, bob.token)).status).toBe(200)
    expect((await call('PUT', `/api/v1/announcements/${id}/reactions/${encodeURIComponent('🐑')}`, carol.token)).status).toBe(200)
    const reacted = await every('announcement.reaction', (f) => JSON.parse(String(f.payload)).count === 2)
    expect(JSON.parse(String(reacted[0]?.payload))).toEqual({ name: '🐑', count: 2, announcement_id: id })
    expect((await call('DELETE', `/api/v1/announcements/${id}/reactions/${encodeURIComponent('🐑')}`, carol.token)).status).toBe(200)
    await every('announcement.reaction', (f) => JSON.parse(String(f.payload)).count === 1)
    // A malformed escape in the name is refused, not a server error.
    expect((await call('PUT', `/api/v1/announcements/${id}/reactions/%E0%A4%A`, bob.token)).status).toBe(422)

    expect((await call('DELETE', `/api/v1/admin/announcements/${id}`, owner.token)).status).toBe(200)
    const deleted = await every('announcement.delete')
    for (const f of deleted) expect(f.payload).toBe(id)

    // By now every delivery has reached every shard: the other streams got none of it.
    expect(other.frames.filter((f) => f.event?.startsWith('announcement'))).toEqual([])
    expect(pub.frames.filter((f) => f.event?.startsWith('announcement'))).toEqual([])
    for (const s of [...sockets, other, pub]) s.ws.close()
  })

  it('are not sent for refused changes', async () => {
    const s = await open('user', users[0]?.token ?? '')
    const before = await subscriptions()
    expect(before).toBeGreaterThan(0)
    expect((await call('POST', '/api/v1/admin/announcements', users[0]?.token ?? '', { text: 'not admin' })).status).toBe(403)
    expect((await call('POST', '/api/v1/admin/announcements', owner.token, { text: '   ' })).status).toBe(422)
    expect((await call('DELETE', '/api/v1/admin/announcements/123', owner.token)).status).toBe(404)
    // A later, real announcement arrives alone.
    const ok = await call('POST', '/api/v1/admin/announcements', owner.token, { text: 'Real one' })
    await eventually(async () => s.frames.find((f) => f.event === 'announcement'), 'the real announcement')
    expect(s.frames.filter((f) => f.event?.startsWith('announcement')).map((f) => JSON.parse(String(f.payload)).id)).toEqual([ok.body.id])
    s.ws.close()
  })
})
