// The `user` stream carries each reader's own view of a status, as their home timeline shows it:
// their favourited/reblogged/bookmarked/muted/pinned flags and `filtered` results, and nothing for a
// reader whose `hide` filter matches. Public streams carry the shared rendering. All through the API.
// Sockets are opened as browsers open them, offering permessage-deflate, which the server declines.
import WebSocket from 'ws'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
type Who = { token: string; accountId: string }
let ann: Who
let ben: Who
let cat: Who
let dan: Who

interface Frame {
  stream?: string[]
  event?: string
  payload?: string
}
type Status = { id: string; content: string; favourited?: boolean; reblogged?: boolean; bookmarked?: boolean; muted?: boolean; pinned?: boolean; filtered?: Array<{ filter: { title: string }; keyword_matches: string[] | null }> }

const sockets: WebSocket[] = []

async function subscriptions(): Promise<number> {
  return ((await (await stack.harness('/streaming/subscribers')).json()) as { subscriptions: number }).subscriptions
}

async function connect(who: Who, streams: string[]): Promise<Frame[]> {
  const url = new URL('/api/v1/streaming', stack.url)
  url.protocol = 'ws:'
  const ws = new WebSocket(url.href, [who.token])
  sockets.push(ws)
  const frames: Frame[] = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  // Browsers and ws offer permessage-deflate; the server declines it (one compression per socket per event).
  expect(ws.extensions).toBe('')
  const before = await subscriptions()
  for (const stream of streams) ws.send(JSON.stringify({ type: 'subscribe', stream }))
  await eventually(async () => (await subscriptions()) >= before + streams.length, 'subscriptions to land')
  return frames
}

async function api(who: Who, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await stack.fetch(path, { method, headers: { Authorization: `Bearer ${who.token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  expect({ path, status: res.status }).toEqual({ path, status: 200 })
  return (await res.json()) as Record<string, unknown>
}

function payload(frames: Frame[], event: string, stream: string, id: string): Status | undefined {
  return frames
    .filter((f) => f.event === event && f.stream?.[0] === stream)
    .map((f) => JSON.parse(String(f.payload)) as Status)
    .find((s) => s.id === id)
}

beforeAll(async () => {
  stack = await startStack()
  ann = await registeredUserToken(stack, 'ann', 'read write follow')
  ben = await registeredUserToken(stack, 'ben', 'read write follow')
  cat = await registeredUserToken(stack, 'cat', 'read write follow')
  dan = await registeredUserToken(stack, 'dan', 'read write follow')
  for (const who of [ben, cat, dan]) await api(who, 'POST', `/api/v1/accounts/${ann.accountId}/follow`)
  await api(cat, 'POST', '/api/v2/filters', { title: 'spoilers', context: ['home'], filter_action: 'warn', keywords_attributes: [{ keyword: 'secret' }] })
  await api(dan, 'POST', '/api/v2/filters', { title: 'gone', context: ['home'], filter_action: 'hide', keywords_attributes: [{ keyword: 'secret' }] })
}, 120_000)

afterAll(async () => {
  for (const ws of sockets) ws.close()
  await stack?.dispose()
})

it('each reader’s user stream has their own flags and filter results; public streams the shared status', async () => {
  const [annFrames, benFrames, catFrames, danFrames] = [await connect(ann, ['user']), await connect(ben, ['user', 'public']), await connect(cat, ['user']), await connect(dan, ['user', 'public'])]
  const id = String((await api(ann, 'POST', '/api/v1/statuses', { status: 'an ordinary post' })).id)
  await eventually(async () => payload(danFrames, 'update', 'user', id), 'dan’s update')
  // A new post: nobody has done anything to it yet, and the author sees it is not pinned.
  expect(payload(benFrames, 'update', 'user', id)).toMatchObject({ favourited: false, reblogged: false, bookmarked: false, muted: false })
  expect(payload(benFrames, 'update', 'user', id)).not.toHaveProperty('pinned')
  await eventually(async () => payload(annFrames, 'update', 'user', id), 'ann’s update')
  expect(payload(annFrames, 'update', 'user', id)).toMatchObject({ favourited: false, pinned: false })

  await api(ben, 'POST', `/api/v1/statuses/${id}/favourite`)
  await api(ben, 'POST', `/api/v1/statuses/${id}/bookmark`)
  await api(ann, 'POST', `/api/v1/statuses/${id}/pin`)
  await api(ann, 'PUT', `/api/v1/statuses/${id}`, { status: 'now with a secret' })
  await eventually(async () => payload(benFrames, 'status.update', 'user', id) && payload(catFrames, 'status.update', 'user', id) && payload(annFrames, 'status.update', 'user', id), 'the edit on every user stream')
  const forBen = payload(benFrames, 'status.update', 'user', id) as Status
  expect(forBen).toMatchObject({ favourited: true, bookmarked: true, reblogged: false })
  expect(forBen.filtered ?? []).toEqual([])
  expect(schemaErrors(mastodonValidator('Status'), forBen)).toEqual([])
  expect(payload(annFrames, 'status.update', 'user', id)).toMatchObject({ pinned: true, favourited: false })
  const forCat = payload(catFrames, 'status.update', 'user', id) as Status
  expect(forCat).toMatchObject({ favourited: false, bookmarked: false })
  expect(forCat.filtered).toMatchObject([{ filter: { title: 'spoilers' }, keyword_matches: ['secret'] }])
  // The public stream is rendered for no one: no flags; dan's hide filter keeps it off his user stream only.
  await eventually(async () => payload(danFrames, 'status.update', 'public', id), 'dan’s public status.update')
  expect(payload(benFrames, 'status.update', 'public', id)).not.toHaveProperty('favourited')
  expect(payload(danFrames, 'status.update', 'user', id)).toBeUndefined()
})

it('public and hashtag streams apply each reader’s public-context filters: filtered results, or nothing for hide', async () => {
  const eve = await registeredUserToken(stack, 'eve', 'read write follow')
  await api(eve, 'POST', '/api/v2/filters', { title: 'wool talk', context: ['public'], filter_action: 'warn', keywords_attributes: [{ keyword: 'fleece' }] })
  await api(eve, 'POST', '/api/v2/filters', { title: 'no wolves', context: ['public'], filter_action: 'hide', keywords_attributes: [{ keyword: 'wolf' }] })
  // A home-only filter does not reach the public streams.
  await api(cat, 'POST', '/api/v2/filters', { title: 'home only', context: ['home'], filter_action: 'hide', keywords_attributes: [{ keyword: 'fleece' }] })
  const [eveFrames, catFrames] = [await connect(eve, ['public']), await connect(cat, ['public'])]
  const plain = String((await api(ben, 'POST', '/api/v1/statuses', { status: 'plain grass' })).id)
  const fleece = String((await api(ben, 'POST', '/api/v1/statuses', { status: 'fresh fleece today' })).id)
  const wolf = String((await api(ben, 'POST', '/api/v1/statuses', { status: 'a wolf nearby' })).id)
  await eventually(async () => payload(catFrames, 'update', 'public', wolf) && payload(eveFrames, 'update', 'public', fleece), 'the posts on the public streams')
  expect(payload(eveFrames, 'update', 'public', plain)?.filtered ?? []).toEqual([])
  const warned = payload(eveFrames, 'update', 'public', fleece) as Status
  expect(warned.filtered).toMatchObject([{ filter: { title: 'wool talk' }, keyword_matches: ['fleece'] }])
  expect(schemaErrors(mastodonValidator('Status'), warned)).toEqual([])
  expect(payload(eveFrames, 'update', 'public', wolf)).toBeUndefined()
  // Others get the shared rendering, unfiltered.
  expect(payload(catFrames, 'update', 'public', fleece)?.filtered ?? []).toEqual([])
  expect(payload(catFrames, 'update', 'public', wolf)).toBeDefined()
})
