import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import WebSocket from 'ws'
import { AppBskyFeedPost, jsonToLex, lexicons } from '@atproto/api'
import { verifyRepoCar } from '@atproto/repo'
import { cborDecodeAll } from '@atproto/lex-cbor'
import { startStack, eventually, freePort, type Stack } from '../helpers/stack'
import { people, type Person } from '../helpers/api'
import { png } from '../helpers/images'
import { MAX_BYTES, MAX_GRAPHEMES, cutPoint, graphemeCount, split, utf8Length, type RichSpan } from '../../backend/atproto/projection/richtext'

const POST = 'app.bsky.feed.post'

type Json = Record<string, unknown>
interface Bridged {
  did: string
  handle: string
  signingKey: string
}
interface Mapped {
  part: number
  rkey: string
  cid: string | null
  collection: string
}

let stack: Stack
let alice: Person
let bob: Person
let carol: Person
const bridged: Record<string, Bridged> = {}

/**
 * Bridges a local account as opting in will (issue #11 item 1, another branch): until that API
 * lands, the repository is made through the harness and the atproto_accounts row inserted here.
 * This is the one place to switch to the real opt-in.
 */
async function bridge(person: Person, name: string, longPosts: 'truncate' | 'thread'): Promise<Bridged> {
  const did = `did:plc:${`${name}proj`.padEnd(24, 'a')}`
  const handle = `${name}.herd.example.com`
  const res = await stack.harness('/atproto/create-repo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ did, handle }) })
  expect(res.status).toBe(200)
  const info = (await res.json()) as { signingKey: string }
  await stack.db.prepare('INSERT INTO atproto_accounts (account_id, did, handle, active, long_posts) VALUES (?, ?, ?, 1, ?)').bind(person.id, did, handle, longPosts).run()
  return { did, handle, signingKey: info.signingKey }
}

beforeAll(async () => {
  stack = await startStack()
  const p = await people(stack, 'bob', 'carol')
  alice = p.alice
  ;[bob, carol] = p.others
  bridged.alice = await bridge(alice, 'alice', 'truncate')
  bridged.bob = await bridge(bob, 'bob', 'thread')
})
afterAll(async () => {
  await stack.dispose()
})

const did = (name: 'alice' | 'bob'): string => bridged[name]?.did ?? ''

async function xrpc<T = Json>(nsid: string, params: Record<string, string>): Promise<{ status: number; body: T }> {
  const res = await stack.fetch(`/xrpc/${nsid}?${new URLSearchParams(params)}`)
  return { status: res.status, body: (await res.json()) as T }
}

async function mappedRows(apId: string): Promise<Mapped[]> {
  return (await stack.db.prepare('SELECT part, rkey, cid, collection FROM atproto_records WHERE ap_id = ? ORDER BY part').bind(apId).all<Mapped>()).results
}

/** The records a status became, once the consumer has written every part. */
async function projected(statusUri: string): Promise<Mapped[]> {
  return eventually(async () => {
    const rows = await mappedRows(statusUri)
    return rows.length > 0 && rows.every((r) => r.cid !== null) ? rows : null
  }, `projection of ${statusUri}`)
}

async function record(repo: string, collection: string, rkey: string): Promise<{ uri: string; cid: string; value: Json }> {
  const res = await xrpc<{ uri: string; cid: string; value: Json }>('com.atproto.repo.getRecord', { repo, collection, rkey })
  expect(res.status).toBe(200)
  return res.body
}

async function listRecords(repo: string, collection: string): Promise<Array<{ uri: string; cid: string; value: Json }>> {
  return (await xrpc<{ records: Array<{ uri: string; cid: string; value: Json }> }>('com.atproto.repo.listRecords', { repo, collection, limit: '100' })).body.records
}

function validPost(value: Json): void {
  const lex = jsonToLex(value) as Json
  const result = AppBskyFeedPost.validateRecord(lex)
  expect(result.success ? null : String(result.error)).toBeNull()
  expect(lexicons.validate(POST, lex).success).toBe(true)
}

interface Facet {
  index: { byteStart: number; byteEnd: number }
  features: Json[]
}
/** Each facet as the bytes it covers, decoded, with its feature. */
function facetTexts(value: Json): Array<{ text: string; feature: Json }> {
  const bytes = Buffer.from(String(value.text), 'utf8')
  return ((value.facets ?? []) as Facet[]).map((f) => ({ text: bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'), feature: f.features[0] ?? {} }))
}

function withinLimits(text: string): void {
  expect(graphemeCount(text)).toBeLessThanOrEqual(MAX_GRAPHEMES)
  expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_BYTES)
}

interface Subscription {
  frames: Buffer[]
  ws: WebSocket
}
function subscribe(cursor?: number): Promise<Subscription> {
  const url = new URL(`/xrpc/com.atproto.sync.subscribeRepos${cursor === undefined ? '' : `?cursor=${cursor}`}`, stack.url)
  url.protocol = 'ws:'
  const ws = new WebSocket(url.href)
  const frames: Buffer[] = []
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer) => frames.push(data))
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ frames, ws }))
    ws.on('error', reject)
  })
}
function decode(frame: Uint8Array): { header: Json; body: Json } {
  const [header, body] = [...cborDecodeAll(frame)] as unknown as [Json, Json]
  return { header, body }
}
type Op = { action: string; path: string }
function commitOps(sub: Subscription, repo: string): Op[] {
  return sub.frames
    .map(decode)
    .filter((f) => f.header.t === '#commit' && f.body.repo === repo)
    .flatMap((f) => (f.body.ops as Array<{ action: string; path: string }>).map((o) => ({ action: o.action, path: o.path })))
}

async function upload(person: Person, bytes: Uint8Array, description: string): Promise<string> {
  const form = new FormData()
  form.set('file', new Blob([bytes], { type: 'image/png' }), 'sheep.png')
  form.set('description', description)
  const res = await stack.fetch('/api/v2/media', { method: 'POST', headers: { Authorization: `Bearer ${person.token}` }, body: form })
  expect(res.status).toBeLessThan(300)
  return String(((await res.json()) as Json).id)
}

async function post(person: Person, params: Json): Promise<{ id: string; uri: string; url: string }> {
  const res = await person.api('POST', '/api/v1/statuses', params)
  expect(res.status).toBe(200)
  return res.body as { id: string; uri: string; url: string }
}

describe('rich text pieces', () => {
  it('cuts at whitespace, never inside a link, and every piece fits', () => {
    const url = 'https://example.com/a/long/path'
    const text = `${'word '.repeat(57)}${url} ${'more '.repeat(80)}`.trim()
    const start = text.indexOf(url)
    const spans: RichSpan[] = [{ start, end: start + url.length, feature: { $type: 'app.bsky.richtext.facet#link', uri: url } }]
    const cut = cutPoint(text, 0, spans)
    expect(cut).toBeLessThanOrEqual(start)
    const pieces = split(text, spans)
    expect(pieces.length).toBeGreaterThan(1)
    for (const p of pieces) withinLimits(p.text)
    expect(pieces.map((p) => p.text).join(' ')).toBe(text)
    const withLink = pieces.find((p) => p.text.includes(url))
    expect(withLink?.spans).toHaveLength(1)
    const s = withLink?.spans[0]
    expect(withLink?.text.slice(s?.start, s?.end)).toBe(url)
  })

  it('splits by bytes when graphemes are few but large', () => {
    const family = '👨‍👩‍👧‍👦'
    const text = Array.from({ length: 150 }, () => family).join(' ')
    expect(graphemeCount(text)).toBeLessThan(MAX_GRAPHEMES)
    expect(utf8Length(text)).toBeGreaterThan(MAX_BYTES)
    const pieces = split(text, [])
    expect(pieces.length).toBe(2)
    for (const p of pieces) withinLimits(p.text)
    // No emoji is broken apart.
    for (const p of pieces) expect(p.text.split(' ').every((g) => g === family)).toBe(true)
  })
})

describe('a post', () => {
  let status: { id: string; uri: string; url: string }
  let rows: Mapped[]
  let value: Json
  let image: Uint8Array

  it('becomes a valid app.bsky.feed.post with facets on the right bytes, langs, a self-label and its image as a blob', async () => {
    image = png(40, 30)
    const mediaId = await upload(alice, image, 'A small sheep, seen from afar')
    status = await post(alice, {
      status: 'Héllo @bob and @carol 🐑🏽! See https://example.com/page?x=1 #Herd done',
      spoiler_text: 'sheep content',
      language: 'en',
      media_ids: [mediaId],
    })
    rows = await projected(status.uri)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.collection).toBe(POST)
    const got = await record(did('alice'), POST, rows[0]?.rkey ?? '')
    expect(got.cid).toBe(rows[0]?.cid)
    value = got.value
    validPost(value)
    expect(value.text).toBe('CW: sheep content\n\nHéllo @bob and @carol 🐑🏽! See https://example.com/page?x=1 #Herd done')
    expect(value.langs).toEqual(['en'])
    expect(value.labels).toEqual({ $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'graphic-media' }] })
    expect(value.createdAt).toBe(new Date(String(((await alice.api('GET', `/api/v1/statuses/${status.id}`)).body as Json).created_at)).toISOString())
    expect(facetTexts(value)).toEqual([
      { text: '@bob', feature: { $type: 'app.bsky.richtext.facet#mention', did: did('bob') } },
      // carol is not bridged: no DID to mention, so her name links to her profile.
      { text: '@carol', feature: { $type: 'app.bsky.richtext.facet#link', uri: `${stack.url.origin}/@carol` } },
      { text: 'https://example.com/page?x=1', feature: { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/page?x=1' } },
      { text: '#Herd', feature: { $type: 'app.bsky.richtext.facet#tag', tag: 'Herd' } },
    ])
  })

  it("carries the image as a real blob, fetched by CID with com.atproto.sync.getBlob", async () => {
    const embed = value.embed as { $type: string; images: Array<{ alt: string; aspectRatio: Json; image: { ref: { $link: string }; mimeType: string; size: number } }> }
    expect(embed.$type).toBe('app.bsky.embed.images')
    expect(embed.images).toHaveLength(1)
    const [img] = embed.images
    expect(img).toMatchObject({ alt: 'A small sheep, seen from afar', aspectRatio: { width: 40, height: 30 }, image: { mimeType: 'image/png', size: image.length } })
    const res = await stack.fetch(`/xrpc/com.atproto.sync.getBlob?${new URLSearchParams({ did: did('alice'), cid: img?.image.ref.$link ?? '' })}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(image))).toBe(true)
    const blobs = (await xrpc<{ cids: string[] }>('com.atproto.sync.listBlobs', { did: did('alice') })).body.cids
    expect(blobs).toContain(img?.image.ref.$link)
  })

  it('is written once however often its message comes', async () => {
    const before = (await listRecords(did('alice'), POST)).length
    for (let i = 0; i < 2; i++) {
      await stack.harness('/queue/send', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'atproto-project', action: 'create', actorId: alice.id, objectId: status.id }) })
    }
    // A later post, projected after those messages, shows they were handled.
    const later = await post(alice, { status: 'after the repeats' })
    await projected(later.uri)
    expect((await listRecords(did('alice'), POST)).length).toBe(before + 1)
    expect(await mappedRows(status.uri)).toEqual(rows)
  })

  it('costs a bounded number of D1 rows to project again', async () => {
    const res = await stack.harness('/atproto/project', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'atproto-project', action: 'update', actorId: alice.id, objectId: status.id }) })
    expect(res.status).toBe(200)
    const cost = (await res.json()) as { rowsRead: number; rowsWritten: number; queries: number }
    // Measured: 15 rows in 10 queries (the bridge, the actor, the status, its mapping, 2 mentions,
    // the author, the image and its blob); nothing written when nothing changed.
    expect(cost.rowsRead).toBeLessThanOrEqual(20)
    expect(cost.queries).toBeLessThanOrEqual(12)
    expect(cost.rowsWritten).toBe(0)
  })

  it('is not projected when followers-only or direct', async () => {
    const hidden = await post(alice, { status: 'only for followers', visibility: 'private' })
    const direct = await post(alice, { status: '@bob just you', visibility: 'direct' })
    const marker = await post(alice, { status: 'public again' })
    await projected(marker.uri)
    expect(await mappedRows(hidden.uri)).toEqual([])
    expect(await mappedRows(direct.uri)).toEqual([])
    const texts = (await listRecords(did('alice'), POST)).map((r) => r.value.text)
    expect(texts).not.toContain('only for followers')
    expect(texts).not.toContain('@bob just you')
  })

  it('replies to a projected parent with {root, parent} strong references', async () => {
    const reply = await post(bob, { status: '@alice lovely', in_reply_to_id: status.id })
    const [row] = await projected(reply.uri)
    const got = await record(did('bob'), POST, row?.rkey ?? '')
    validPost(got.value)
    const parent = { uri: `at://${did('alice')}/${POST}/${rows[0]?.rkey}`, cid: rows[0]?.cid }
    expect(got.value.reply).toEqual({ root: parent, parent })
  })
})

describe('a long post', () => {
  const long = `${'The flock moves slowly over the hill at dawn, '.repeat(9)}and then #sheep https://example.com/end`
  const longAt = (s: string) => graphemeCount(s)

  it('is cut cleanly with a link card back to the original (truncate)', async () => {
    expect(longAt(long)).toBeGreaterThan(MAX_GRAPHEMES)
    const status = await post(alice, { status: long })
    const rows = await projected(status.uri)
    expect(rows).toHaveLength(1)
    const { value } = await record(did('alice'), POST, rows[0]?.rkey ?? '')
    validPost(value)
    const text = String(value.text)
    withinLimits(text)
    expect(text.endsWith('…')).toBe(true)
    // Cut at a word boundary: the text before the ellipsis is a prefix of the original ending a word.
    const head = text.slice(0, -1)
    expect(long.startsWith(head)).toBe(true)
    expect(long[head.length]).toBe(' ')
    expect(value.embed).toEqual({ $type: 'app.bsky.embed.external', external: { uri: status.url, title: 'Read the full post', description: long } })
  })

  it('keeps its images when cut, with the link back at the end of the text instead of a card', async () => {
    const mediaId = await upload(alice, png(20, 20), 'two sheep')
    const status = await post(alice, { status: long, media_ids: [mediaId] })
    const [row] = await projected(status.uri)
    const { value } = await record(did('alice'), POST, row?.rkey ?? '')
    validPost(value)
    withinLimits(String(value.text))
    const shown = status.url.replace(/^https?:\/\//, '')
    expect(String(value.text).endsWith(`…\n${shown}`)).toBe(true)
    expect(facetTexts(value).at(-1)).toEqual({ text: shown, feature: { $type: 'app.bsky.richtext.facet#link', uri: status.url } })
    expect((value.embed as Json).$type).toBe('app.bsky.embed.images')
  })

  it('is threaded into parts that each fit, replying to the first and to the one before (thread)', async () => {
    const status = await post(bob, { status: long })
    const rows = await projected(status.uri)
    expect(rows.length).toBe(2)
    const parts = await Promise.all(rows.map((r) => record(did('bob'), POST, r.rkey)))
    for (const p of parts) {
      validPost(p.value)
      withinLimits(String(p.value.text))
    }
    expect(parts.map((p) => String(p.value.text)).join(' ')).toBe(long)
    const first = parts[0]
    expect(first?.value.reply).toBeUndefined()
    const ref = { uri: first?.uri, cid: first?.cid }
    expect(parts[1]?.value.reply).toEqual({ root: ref, parent: ref })
    // The facets of the second part were computed for its own text.
    expect(facetTexts(parts[1]?.value ?? {})).toEqual([
      { text: '#sheep', feature: { $type: 'app.bsky.richtext.facet#tag', tag: 'sheep' } },
      { text: 'https://example.com/end', feature: { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/end' } },
    ])
  })
})

describe('edits and deletes', () => {
  it('an edit updates the record under the same key and a delete removes every part, on the firehose', async () => {
    const sub = await subscribe()
    const short = await post(bob, { status: 'a short one' })
    const [row] = await projected(short.uri)
    const path = `${POST}/${row?.rkey}`
    // Growing past the limits in thread mode adds a part; the first keeps its key.
    const edited = await bob.api('PUT', `/api/v1/statuses/${short.id}`, { status: `${'edited and now much longer than before, '.repeat(10)}end` })
    expect(edited.status).toBe(200)
    const rows = await eventually(async () => {
      const r = await mappedRows(short.uri)
      return r.length === 2 && r.every((x) => x.cid !== null) ? r : null
    }, 'the edit')
    expect(rows[0]?.rkey).toBe(row?.rkey)
    const updated = await record(did('bob'), POST, row?.rkey ?? '')
    expect(String(updated.value.text).startsWith('edited and now')).toBe(true)

    // Shrinking again drops the second part.
    expect((await bob.api('PUT', `/api/v1/statuses/${short.id}`, { status: 'short again' })).status).toBe(200)
    await eventually(async () => {
      const r = await mappedRows(short.uri)
      return r.length === 1 && r[0]?.cid !== rows[0]?.cid
    }, 'the second edit')

    expect((await bob.api('DELETE', `/api/v1/statuses/${short.id}`)).status).toBe(200)
    await eventually(async () => (await mappedRows(short.uri)).length === 0, 'the delete')
    const second = `${POST}/${rows[1]?.rkey}`
    const ops = await eventually(async () => {
      const o = commitOps(sub, did('bob'))
      return o.filter((x) => x.action === 'delete').length >= 2 ? o : null
    }, 'firehose ops')
    sub.ws.close()
    expect(ops).toEqual([
      { action: 'create', path },
      { action: 'update', path },
      { action: 'create', path: second },
      { action: 'update', path },
      { action: 'delete', path: second },
      { action: 'delete', path },
    ])
    expect((await xrpc('com.atproto.repo.getRecord', { repo: did('bob'), collection: POST, rkey: row?.rkey ?? '' })).status).toBe(400)
  })
})

describe('an edit with another image', () => {
  it('uploads the new image and updates the record under the same key', async () => {
    const first = await upload(alice, png(10, 10), 'first')
    const status = await post(alice, { status: 'with a picture', media_ids: [first] })
    const [row] = await projected(status.uri)
    const before = await record(did('alice'), POST, row?.rkey ?? '')
    const second = await upload(alice, png(12, 8), 'second')
    expect((await alice.api('PUT', `/api/v1/statuses/${status.id}`, { status: 'with another picture', media_ids: [second] })).status).toBe(200)
    const after = await eventually(async () => {
      const r = await record(did('alice'), POST, row?.rkey ?? '')
      return r.cid !== before.cid ? r : null
    }, 'the edited record')
    validPost(after.value)
    const image = (after.value.embed as { images: Array<{ alt: string; aspectRatio: Json; image: { ref: { $link: string } } }> }).images[0]
    expect(image).toMatchObject({ alt: 'second', aspectRatio: { width: 12, height: 8 } })
    const blob = await stack.fetch(`/xrpc/com.atproto.sync.getBlob?${new URLSearchParams({ did: did('alice'), cid: image?.image.ref.$link ?? '' })}`)
    expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(png(12, 8)))).toBe(true)
    expect(await mappedRows(status.uri)).toHaveLength(1)
  })
})

describe('boosts, favourites and follows', () => {
  let target: { id: string; uri: string }
  let subject: { uri: string; cid: string }

  beforeAll(async () => {
    target = await post(alice, { status: 'boost me' })
    const [row] = await projected(target.uri)
    subject = { uri: `at://${did('alice')}/${POST}/${row?.rkey}`, cid: row?.cid ?? '' }
  })

  async function one(collection: string): Promise<Json[]> {
    return eventually(async () => {
      const records = await listRecords(did('bob'), collection)
      return records.length === 1 ? records.map((r) => r.value) : null
    }, collection)
  }
  async function none(collection: string): Promise<void> {
    await eventually(async () => (await listRecords(did('bob'), collection)).length === 0, `no ${collection}`)
  }

  it('a boost becomes app.bsky.feed.repost of the projected post, and its undo deletes it', async () => {
    expect((await bob.api('POST', `/api/v1/statuses/${target.id}/reblog`)).status).toBe(200)
    const [repost] = await one('app.bsky.feed.repost')
    expect(repost).toMatchObject({ $type: 'app.bsky.feed.repost', subject })
    expect(lexicons.validate('app.bsky.feed.repost', jsonToLex(repost) as Json).success).toBe(true)
    expect((await bob.api('POST', `/api/v1/statuses/${target.id}/unreblog`)).status).toBe(200)
    await none('app.bsky.feed.repost')
  })

  it('a favourite becomes app.bsky.feed.like, once however often, and its undo deletes it', async () => {
    expect((await bob.api('POST', `/api/v1/statuses/${target.id}/favourite`)).status).toBe(200)
    const [like] = await one('app.bsky.feed.like')
    expect(like).toMatchObject({ $type: 'app.bsky.feed.like', subject })
    expect(lexicons.validate('app.bsky.feed.like', jsonToLex(like) as Json).success).toBe(true)
    const fav = await stack.db.prepare('SELECT id FROM favourites WHERE account_id = ?').bind(bob.id).first<{ id: string }>()
    await stack.harness('/queue/send', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'atproto-project', action: 'like', actorId: bob.id, objectId: fav?.id }) })
    expect((await bob.api('POST', `/api/v1/statuses/${target.id}/unfavourite`)).status).toBe(200)
    await none('app.bsky.feed.like')
    // A repeated undo finds nothing to remove, and that is fine.
    const bobUri = (await stack.db.prepare('SELECT uri FROM accounts WHERE id = ?').bind(bob.id).first<{ uri: string }>())?.uri
    const undo = { type: 'atproto-project', action: 'undo-like', actorId: bob.id, activityUri: `${bobUri}#likes/${fav?.id}` }
    await stack.harness('/queue/send', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(undo) })
    const dead = await stack.db.prepare('SELECT count(*) AS n FROM dead_letters').first<{ n: number }>()
    expect(dead?.n).toBe(0)
  })

  it('a follow of a bridged account becomes app.bsky.graph.follow of its DID; of another account, nothing', async () => {
    expect((await bob.api('POST', `/api/v1/accounts/${carol.id}/follow`)).status).toBe(200)
    expect((await bob.api('POST', `/api/v1/accounts/${alice.id}/follow`)).status).toBe(200)
    const [follow] = await one('app.bsky.graph.follow')
    expect(follow).toMatchObject({ $type: 'app.bsky.graph.follow', subject: did('alice') })
    expect(lexicons.validate('app.bsky.graph.follow', jsonToLex(follow) as Json).success).toBe(true)
    expect((await bob.api('POST', `/api/v1/accounts/${alice.id}/unfollow`)).status).toBe(200)
    await none('app.bsky.graph.follow')
  })

  it('a follow ended by the followed account (removed from followers, blocked) is deleted too', async () => {
    for (const end of ['remove_from_followers', 'block'] as const) {
      expect((await bob.api('POST', `/api/v1/accounts/${alice.id}/follow`)).status).toBe(200)
      await one('app.bsky.graph.follow')
      expect((await alice.api('POST', `/api/v1/accounts/${bob.id}/${end}`)).status).toBe(200)
      await none('app.bsky.graph.follow')
    }
    expect((await alice.api('POST', `/api/v1/accounts/${bob.id}/unblock`)).status).toBe(200)
  })

  it('a boost of a post that is not projected is not projected either', async () => {
    const carols = await post(carol, { status: 'not bridged' })
    expect((await bob.api('POST', `/api/v1/statuses/${carols.id}/reblog`)).status).toBe(200)
    expect((await bob.api('POST', `/api/v1/statuses/${target.id}/reblog`)).status).toBe(200)
    const [repost] = await one('app.bsky.feed.repost')
    expect(repost).toMatchObject({ subject })
  })

  it('deleting a post removes the reposts of it', async () => {
    expect((await alice.api('DELETE', `/api/v1/statuses/${target.id}`)).status).toBe(200)
    await none('app.bsky.feed.repost')
  })
})

describe('a verifying consumer', () => {
  let plc: Server

  afterAll(async () => {
    await new Promise((r) => plc?.close(r))
  })

  it("@atproto/sync's Firehose, resolving DIDs through a PLC directory, sees every event of the accounts; the repositories verify", async () => {
    // A PLC directory on loopback answering each bridged DID with the document this server publishes.
    const docs = new Map<string, unknown>()
    for (const b of Object.values(bridged)) docs.set(b.did, (await xrpc<{ didDoc: unknown }>('com.atproto.repo.describeRepo', { repo: b.did })).body.didDoc)
    const port = await freePort()
    plc = createServer((req, res) => {
      const doc = docs.get(decodeURIComponent((req.url ?? '').slice(1)))
      res.writeHead(doc ? 200 : 404, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(doc ?? { message: 'DID not registered' }))
    })
    await new Promise<void>((r) => plc.listen(port, '127.0.0.1', r))

    // The whole log, as raw frames, to compare with what the consumer saw.
    const raw = await subscribe(0)
    const frames = await eventually(async () => {
      const n = raw.frames.length
      await new Promise((r) => setTimeout(r, 300))
      return n > 0 && raw.frames.length === n ? raw.frames.map(decode) : null
    }, 'the whole log')
    raw.ws.close()
    const ours = new Set(Object.values(bridged).map((b) => b.did))
    const expected = frames.filter((f) => ours.has(String(f.body.did ?? f.body.repo)))
    const lastSeq = Math.max(...frames.map((f) => Number(f.body.seq)))

    const service = stack.url.href.replace(/^http/, 'ws').replace(/\/$/, '')
    const handles = Object.fromEntries(Object.values(bridged).map((b) => [b.handle, b.did]))
    const input = JSON.stringify({ service, cursor: 0, plcUrl: `http://127.0.0.1:${port}`, handles, expectSeq: lastSeq })
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, ['test/helpers/atproto-sync-consumer.mjs'], { timeout: 90_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      )
      child.stdin?.end(input)
    })
    const { events, errors } = JSON.parse(output) as { events: Array<{ event: string; seq: number; did: string; collection?: string; rkey?: string; handle?: string }>; errors: string[] }
    expect(errors).toEqual([])
    // Every commit op, identity and account event of the bridged accounts, in order.
    const wanted = expected.flatMap((f) => {
      const seq = Number(f.body.seq)
      if (f.header.t === '#commit') return (f.body.ops as Array<{ action: string; path: string }>).map((o) => `${seq} ${o.action} ${o.path}`)
      if (f.header.t === '#identity') return [`${seq} identity`]
      if (f.header.t === '#account') return [`${seq} account`]
      if (f.header.t === '#sync') return [`${seq} sync`]
      return []
    })
    const seen = events.filter((e) => ours.has(e.did)).map((e) => (e.collection ? `${e.seq} ${e.event} ${e.collection}/${e.rkey}` : `${e.seq} ${e.event}`))
    expect(seen).toEqual(wanted)
    expect(wanted.filter((w) => w.includes(' create ')).length).toBeGreaterThan(10)
    // Handles were verified through the DID documents, not taken on trust.
    expect(events.filter((e) => e.event === 'identity').map((e) => e.handle)).toEqual(expect.arrayContaining(Object.keys(handles)))

    for (const b of Object.values(bridged)) {
      const car = new Uint8Array(await (await stack.fetch(`/xrpc/com.atproto.sync.getRepo?did=${b.did}`)).arrayBuffer())
      const verified = await verifyRepoCar(car, b.did, b.signingKey)
      const posts = (await listRecords(b.did, POST)).map((r) => r.uri.split('/').pop())
      const inRepo = verified.creates.filter((c) => c.collection === POST).map((c) => c.rkey)
      expect(inRepo.sort()).toEqual(posts.sort())
    }
  })
})
