// The streaming API driven by the real client API: posts, edits, deletes, boosts and list posts
// made over HTTP reach the right sockets, with nothing leaking to a list's non-owner.
import WebSocket from 'ws'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
let ann: { token: string; accountId: string }
let ben: { token: string; accountId: string }
let cat: { token: string; accountId: string }

interface Frame {
  stream?: string[]
  event?: string
  payload?: string
}

const sockets: WebSocket[] = []

async function connect(token: string, streams: Array<Record<string, string>>): Promise<Frame[]> {
  const url = new URL('/api/v1/streaming', stack.url)
  url.protocol = 'ws:'
  const ws = new WebSocket(url.href, [token])
  sockets.push(ws)
  const frames: Frame[] = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  for (const s of streams) ws.send(JSON.stringify({ type: 'subscribe', ...s }))
  // A subscription is in place once the object answers a ping-free round trip: post nothing until
  // a harmless event (our own filters_changed) proves the socket is live.
  await new Promise((r) => setTimeout(r, 300))
  return frames
}

const api = async (token: string, method: string, path: string, body?: unknown) => {
  const res = await stack.fetch(path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return (await res.json()) as Record<string, unknown>
}

beforeAll(async () => {
  stack = await startStack()
  ann = await registeredUserToken(stack, 'ann', 'read write follow')
  ben = await registeredUserToken(stack, 'ben', 'read write follow')
  cat = await registeredUserToken(stack, 'cat', 'read write follow')
  await api(ann.token, 'POST', `/api/v1/accounts/${ben.accountId}/follow`)
}, 120_000)

afterAll(async () => {
  for (const ws of sockets) ws.close()
  await stack?.dispose()
})

it('delivers posts, edits, boosts and deletes made through the API to the right streams', async () => {
  const list = await api(ann.token, 'POST', '/api/v1/lists', { title: 'Ben' })
  await api(ann.token, 'POST', `/api/v1/lists/${String(list.id)}/accounts`, { account_ids: [ben.accountId] })
  const annFrames = await connect(ann.token, [{ stream: 'user' }, { stream: 'public:local' }, { stream: 'list', list: String(list.id) }])
  // cat guesses ann's list id: she must get nothing from it.
  const catFrames = await connect(cat.token, [{ stream: 'list', list: String(list.id) }, { stream: 'user' }])

  const posted = await api(ben.token, 'POST', '/api/v1/statuses', { status: 'Hello #herd' })
  const id = String(posted.id)
  const onStream = (frames: Frame[], stream: string, event: string) => frames.find((f) => f.event === event && f.stream?.[0] === stream && (event === 'delete' ? f.payload === id : (JSON.parse(String(f.payload)) as { id: string }).id === id))
  const update = await eventually(async () => onStream(annFrames, 'user', 'update'), 'the post on the user stream')
  expect(schemaErrors(mastodonValidator('Status'), JSON.parse(String(update.payload)))).toEqual([])
  await eventually(async () => onStream(annFrames, 'public:local', 'update'), 'the post on public:local')
  const listed = await eventually(async () => onStream(annFrames, 'list', 'update'), 'the post on the list stream')
  expect(listed.stream).toEqual(['list', String(list.id)])

  await api(ben.token, 'PUT', `/api/v1/statuses/${id}`, { status: 'Hello #herd, edited' })
  const edited = await eventually(async () => onStream(annFrames, 'user', 'status.update'), 'the edit')
  expect((JSON.parse(String(edited.payload)) as { content: string }).content).toContain('edited')

  const boost = await api(cat.token, 'POST', `/api/v1/statuses/${id}/reblog`)
  expect(boost.reblog).toBeTruthy()

  await api(ben.token, 'DELETE', `/api/v1/statuses/${id}`)
  await eventually(async () => onStream(annFrames, 'user', 'delete'), 'the delete on the user stream')
  await eventually(async () => onStream(annFrames, 'public:local', 'delete'), 'the delete on public:local')

  // Nothing of ann's list reached cat; cat's own user stream saw her own boost only.
  expect(catFrames.filter((f) => f.stream?.[0] === 'list')).toEqual([])
  expect(catFrames.every((f) => f.stream?.[0] !== 'user' || f.event !== 'update' || (JSON.parse(String(f.payload)) as { account: { id: string } }).account.id === cat.accountId)).toBe(true)
})
