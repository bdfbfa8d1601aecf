// Issue #11, "done when": over real HTTP and the Mastodon API, two accounts opt in to the Bluesky
// bridge (their genesis operations checked and kept by a PLC directory on loopback), one posts, edits,
// gets boosted, favourited and followed by the other, and deletes; then a verifying @atproto/sync
// consumer, resolving both DIDs through that directory, accepts the whole firehose from cursor 0, and
// @atproto/repo's verifier accepts both repositories. Opting out ends the account's projection.
import { execFile } from 'node:child_process'
import WebSocket from 'ws'
import { verifyRepoCar } from '@atproto/repo'
import { cborDecodeAll } from '@atproto/lex-cbor'
import { AppBskyFeedPost, jsonToLex } from '@atproto/api'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { people, type Person } from '../helpers/api'
import { png } from '../helpers/images'
import { startLoopback, type Loopback } from '../../scripts/dev/atproto-loopback'

type Json = Record<string, unknown>
const POST = 'app.bsky.feed.post'

let peer: Loopback
let stack: Stack
/** The same stack reached as http://localhost:<port>: a host name that can carry handles (127.0.0.1 cannot). */
let site: Stack
let alice: Person
let bob: Person
const ids: Record<'alice' | 'bob', { did: string; handle: string }> = { alice: { did: '', handle: '' }, bob: { did: '', handle: '' } }
const frames: Array<{ t: string; body: Json }> = []
let ws: WebSocket

beforeAll(async () => {
  peer = await startLoopback()
  stack = await startStack({ bindings: peer.bindings })
  const origin = `http://localhost:${stack.url.port}`
  site = { ...stack, url: new URL(origin), fetch: (path, init) => fetch(origin + path, { redirect: 'manual', ...init }) }
  const p = await people(site, 'bob')
  alice = p.alice
  ;[bob] = p.others
  // The whole firehose, decoded, from before anyone opts in.
  const url = new URL('/xrpc/com.atproto.sync.subscribeRepos', origin.replace(/^http/, 'ws'))
  ws = new WebSocket(url.href)
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer) => {
    const [header, body] = [...cborDecodeAll(data)] as unknown as [Json, Json]
    frames.push({ t: String(header.t), body })
  })
  await new Promise((resolve, reject) => {
    ws.on('open', resolve)
    ws.on('error', reject)
  })
})
afterAll(async () => {
  ws?.close()
  await stack?.dispose()
  await peer?.close()
})

async function xrpc<T = Json>(nsid: string, params: Record<string, string>): Promise<{ status: number; body: T }> {
  const res = await site.fetch(`/xrpc/${nsid}?${new URLSearchParams(params)}`)
  return { status: res.status, body: (await res.json()) as T }
}

async function records(name: 'alice' | 'bob', collection: string): Promise<Array<{ uri: string; cid: string; value: Json }>> {
  const res = await xrpc<{ records: Array<{ uri: string; cid: string; value: Json }> }>('com.atproto.repo.listRecords', { repo: ids[name].did, collection, limit: '100' })
  expect(res.status).toBe(200)
  return res.body.records
}

/** Waits until `name`'s `collection` holds exactly `n` records, and returns them. */
function holding(name: 'alice' | 'bob', collection: string, n: number, check: (r: Array<{ uri: string; cid: string; value: Json }>) => boolean = () => true) {
  return eventually(async () => {
    const r = await records(name, collection)
    return r.length === n && check(r) ? r : null
  }, `${n} ${collection} in ${name}'s repository`)
}

/** The signing key the PLC directory publishes for a DID (not what this server says it is). */
async function publishedKey(did: string): Promise<string> {
  const doc = (await (await fetch(`${peer.base}/${did}`)).json()) as { verificationMethod: Array<{ id: string; publicKeyMultibase: string }> }
  const method = doc.verificationMethod.find((m) => m.id === `${did}#atproto`)
  return `did:key:${method?.publicKeyMultibase}`
}

const state: { status?: { id: string; uri: string }; postUri?: string; imageCid?: string } = {}

test('both accounts opt in through the API; the directory accepts their signed genesis operations and serves their DID documents', async () => {
  for (const [name, person] of [['alice', alice], ['bob', bob]] as const) {
    const res = await person.api('POST', '/api/herd/v1/atproto', {})
    expect(res.status).toBe(200)
    const body = res.body as Json
    expect(body).toMatchObject({ enabled: true, handle: `${name}.localhost` })
    ids[name] = { did: String(body.did), handle: String(body.handle) }
    // By primary key and unique index only, whatever the number of accounts (measured: 5 rows, 7 queries).
    expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(6)
  }
  expect(peer.plcRefused).toEqual([])
  expect(peer.plcOps.map((o) => o.path)).toEqual([ids.alice.did, ids.bob.did])
  const doc = (await (await fetch(`${peer.base}/${ids.alice.did}`)).json()) as Json
  expect(doc).toMatchObject({
    id: ids.alice.did,
    alsoKnownAs: ['at://alice.localhost'],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: site.url.origin }],
  })
  // The server describes the repository with the key the directory published.
  const described = await xrpc<{ didDoc: { verificationMethod: Array<{ publicKeyMultibase: string }> } }>('com.atproto.repo.describeRepo', { repo: ids.alice.did })
  expect(`did:key:${described.body.didDoc.verificationMethod[0]?.publicKeyMultibase}`).toBe(await publishedKey(ids.alice.did))
  await eventually(async () => peer.crawls.length >= 2, 'requestCrawl at the relay')
  // With its port: that is where a relay would connect.
  const hostname = `localhost:${stack.url.port}`
  expect(peer.crawls.map((c) => c.body)).toEqual([{ hostname }, { hostname }])
  // Each has its profile as the first commit.
  await holding('alice', 'app.bsky.actor.profile', 1)
  await holding('bob', 'app.bsky.actor.profile', 1)
})

test('alice posts text with a link and a hashtag and an image with alt text: one valid app.bsky.feed.post', async () => {
  const form = new FormData()
  form.set('file', new Blob([png(64, 48)], { type: 'image/png' }), 'ewe.png')
  form.set('description', 'A ewe in the morning fog')
  const media = await site.fetch('/api/v2/media', { method: 'POST', headers: { Authorization: `Bearer ${alice.token}` }, body: form })
  expect(media.status).toBeLessThan(300)
  const mediaId = String(((await media.json()) as Json).id)
  const res = await alice.api('POST', '/api/v1/statuses', { status: 'Shearing day: https://example.com/wool #Herd', media_ids: [mediaId], language: 'en' })
  expect(res.status).toBe(200)
  state.status = res.body as { id: string; uri: string }
  const [post] = await holding('alice', POST, 1)
  state.postUri = post?.uri
  const value = post?.value as Json
  expect(AppBskyFeedPost.validateRecord(jsonToLex(value as never) as never).success).toBe(true)
  expect(value).toMatchObject({ text: 'Shearing day: https://example.com/wool #Herd', langs: ['en'] })
  const bytes = Buffer.from(String(value.text))
  const facets = (value.facets as Array<{ index: { byteStart: number; byteEnd: number }; features: Json[] }>).map((f) => [bytes.subarray(f.index.byteStart, f.index.byteEnd).toString(), f.features[0]?.$type])
  expect(facets).toEqual([
    ['https://example.com/wool', 'app.bsky.richtext.facet#link'],
    ['#Herd', 'app.bsky.richtext.facet#tag'],
  ])
  const image = (value.embed as { images: Array<{ alt: string; image: { ref: { $link: string } } }> }).images[0]
  expect(image?.alt).toBe('A ewe in the morning fog')
  state.imageCid = image?.image.ref.$link
  const blob = await site.fetch(`/xrpc/com.atproto.sync.getBlob?${new URLSearchParams({ did: ids.alice.did, cid: String(state.imageCid) })}`)
  expect(blob.status).toBe(200)
  expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(png(64, 48)))).toBe(true)
})

test('alice edits it: the same record is updated', async () => {
  const status = state.status as { id: string }
  const res = await alice.api('PUT', `/api/v1/statuses/${status.id}`, { status: 'Shearing day, all done: https://example.com/wool #Herd', media_ids: [] })
  expect(res.status).toBe(200)
  const [post] = await holding('alice', POST, 1, (r) => String(r[0]?.value.text).includes('all done'))
  expect(post?.uri).toBe(state.postUri)
})

test('bob boosts, favourites and follows: a repost and a like of the post, a follow of her DID', async () => {
  const status = state.status as { id: string }
  expect((await bob.api('POST', `/api/v1/statuses/${status.id}/reblog`)).status).toBe(200)
  expect((await bob.api('POST', `/api/v1/statuses/${status.id}/favourite`)).status).toBe(200)
  expect((await bob.api('POST', `/api/v1/accounts/${alice.id}/follow`)).status).toBe(200)
  const [post] = await records('alice', POST)
  const subject = { uri: post?.uri, cid: post?.cid }
  expect((await holding('bob', 'app.bsky.feed.repost', 1))[0]?.value).toMatchObject({ subject })
  expect((await holding('bob', 'app.bsky.feed.like', 1))[0]?.value).toMatchObject({ subject })
  expect((await holding('bob', 'app.bsky.graph.follow', 1))[0]?.value).toMatchObject({ subject: ids.alice.did })
})

test('alice deletes the post: its record goes, and so do the repost and the like of it', async () => {
  const status = state.status as { id: string }
  expect((await alice.api('DELETE', `/api/v1/statuses/${status.id}`)).status).toBe(200)
  await holding('alice', POST, 0)
  await holding('bob', 'app.bsky.feed.repost', 0)
  await holding('bob', 'app.bsky.feed.like', 0)
  expect(await records('bob', 'app.bsky.graph.follow')).toHaveLength(1)
})

test("@atproto/repo's verifier accepts both repositories, signed with the keys the directory published", async () => {
  for (const name of ['alice', 'bob'] as const) {
    const res = await site.fetch(`/xrpc/com.atproto.sync.getRepo?did=${ids[name].did}`)
    expect(res.status).toBe(200)
    const verified = await verifyRepoCar(new Uint8Array(await res.arrayBuffer()), ids[name].did, await publishedKey(ids[name].did))
    const held = verified.creates.map((c) => c.collection).sort()
    expect(held).toEqual(name === 'alice' ? ['app.bsky.actor.profile'] : ['app.bsky.actor.profile', 'app.bsky.graph.follow'])
  }
})

test('opting out emits #account active:false, and a later post is not projected', async () => {
  const head = (await xrpc<{ cid: string; rev: string }>('com.atproto.sync.getLatestCommit', { did: ids.alice.did })).body
  const listed = async () => (await xrpc<{ repos: Array<{ did: string; head: string; rev: string; active: boolean }> }>('com.atproto.sync.listRepos', {})).body.repos.find((r) => r.did === ids.alice.did)
  const off = await alice.api('DELETE', '/api/herd/v1/atproto')
  expect(off.status).toBe(200)
  expect(off.body).toMatchObject({ enabled: false, did: ids.alice.did })
  await eventually(async () => frames.some((f) => f.t === '#account' && f.body.did === ids.alice.did && f.body.active === false), '#account active:false')
  const after = await alice.api('POST', '/api/v1/statuses', { status: 'nobody on Bluesky sees this' })
  expect(after.status).toBe(200)
  // bob is still bridged: once his later post is in his repository, the queue has passed alice's.
  expect((await bob.api('POST', '/api/v1/statuses', { status: 'marker' })).status).toBe(200)
  await holding('bob', POST, 1)
  expect((await stack.db.prepare('SELECT COUNT(*) AS n FROM atproto_records WHERE ap_id = ?').bind((after.body as Json).uri).first('n'))).toBe(0)
  // The repository did not change, and the sync reads no longer serve it.
  expect(await listed()).toEqual({ did: ids.alice.did, head: head.cid, rev: head.rev, active: false })
  for (const nsid of ['com.atproto.sync.getRepo', 'com.atproto.sync.getLatestCommit', 'com.atproto.sync.listBlobs']) {
    const res = await xrpc(nsid, { did: ids.alice.did })
    expect({ nsid, status: res.status, error: res.body.error }).toEqual({ nsid, status: 400, error: 'RepoDeactivated' })
  }
  expect((await xrpc('com.atproto.sync.getRepoStatus', { did: ids.alice.did })).body).toEqual({ did: ids.alice.did, active: false, status: 'deactivated' })
})

test('a verifying @atproto/sync consumer from cursor 0 sees every event of both accounts, with no errors', async () => {
  const lastSeq = Math.max(...frames.map((f) => Number(f.body.seq)))
  const handles = { [ids.alice.handle]: ids.alice.did, [ids.bob.handle]: ids.bob.did }
  const input = JSON.stringify({ service: site.url.origin.replace(/^http/, 'ws'), cursor: 0, plcUrl: peer.base, handles, expectSeq: lastSeq })
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(process.execPath, ['test/helpers/atproto-sync-consumer.mjs'], { timeout: 90_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    )
    child.stdin?.end(input)
  })
  const { events, errors } = JSON.parse(output) as { events: Array<{ event: string; did: string; collection?: string; rkey?: string; handle?: string; active?: boolean; record?: Json }>; errors: string[] }
  expect(errors).toEqual([])
  const postRkey = String(state.postUri).split('/').pop()
  const of = (name: 'alice' | 'bob') =>
    events.filter((e) => e.did === ids[name].did).map((e) => (e.collection ? `${e.event} ${e.collection}${e.collection === POST ? `/${e.rkey}` : ''}` : e.event === 'account' ? `account ${e.active}` : e.event))
  expect(of('alice')).toEqual([
    'identity',
    'account true',
    'sync',
    'create app.bsky.actor.profile',
    `create ${POST}/${postRkey}`,
    `update ${POST}/${postRkey}`,
    `delete ${POST}/${postRkey}`,
    'account false',
  ])
  expect(of('bob')).toEqual([
    'identity',
    'account true',
    'sync',
    'create app.bsky.actor.profile',
    'create app.bsky.feed.repost',
    'create app.bsky.feed.like',
    'create app.bsky.graph.follow',
    // Which of the two goes first is the order the projection finds them in.
    ...events.filter((e) => e.did === ids.bob.did && e.event === 'delete').map((e) => `delete ${e.collection}`),
    expect.stringMatching(new RegExp(`^create ${POST.replace(/\./g, '\\.')}/`)),
  ])
  expect(events.filter((e) => e.did === ids.bob.did && e.event === 'delete').map((e) => e.collection).sort()).toEqual(['app.bsky.feed.like', 'app.bsky.feed.repost'])
  // Handles verified through the DID documents the directory serves, records as written.
  expect(events.filter((e) => e.event === 'identity').map((e) => e.handle)).toEqual(['alice.localhost', 'bob.localhost'])
  const edited = events.find((e) => e.did === ids.alice.did && e.event === 'update')
  expect(edited?.record).toMatchObject({ $type: POST, text: 'Shearing day, all done: https://example.com/wool #Herd' })
  const follow = events.find((e) => e.collection === 'app.bsky.graph.follow')
  expect(follow?.record).toMatchObject({ subject: ids.alice.did })
})
