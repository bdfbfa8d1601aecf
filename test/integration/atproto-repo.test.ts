import { execFile } from 'node:child_process'
import WebSocket from 'ws'
import { MST, MemoryBlockstore, readCarWithRoot, verifyProofs, verifyRepoCar, cborToLexRecord } from '@atproto/repo'
import { verifySignature } from '@atproto/crypto'
import { cborDecodeAll, cborEncode } from '@atproto/lex-cbor'
import type { Cid } from '@atproto/lex-data'
import { startStack, eventually, type Stack } from '../helpers/stack'

const DID = 'did:plc:herdtestaaaaaaaaaaaaaaaa'
const HANDLE = 'alice.herd.example.com'
const POST = 'app.bsky.feed.post'

let stack: Stack
let signingKey: string
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.dispose()
})

async function harness<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await stack.harness(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as T }
}

interface Write {
  action: 'create' | 'update' | 'delete'
  collection: string
  rkey: string
  record?: unknown
}

const post = (rkey: string, text: string): Write => ({ action: 'create', collection: POST, rkey, record: { $type: POST, text, createdAt: '2026-11-23T10:00:00.000Z' } })

async function commit(writes: Write[]): Promise<{ cid: string; rev: string; seq: number }> {
  const res = await harness<{ cid: string; rev: string; seq: number }>('/atproto/apply-writes', { did: DID, writes })
  expect(res.status).toBe(200)
  return res.body
}

async function xrpc(nsid: string, params: Record<string, string>): Promise<Response> {
  return stack.fetch(`/xrpc/${nsid}?${new URLSearchParams(params)}`)
}

interface Subscription {
  frames: Buffer[]
  closed: Promise<number>
  ws: WebSocket
}

function subscribe(cursor?: number): Promise<Subscription> {
  const url = new URL(`/xrpc/com.atproto.sync.subscribeRepos${cursor === undefined ? '' : `?cursor=${cursor}`}`, stack.url)
  url.protocol = 'ws:'
  const ws = new WebSocket(url.href)
  const frames: Buffer[] = []
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(true)
    frames.push(data)
  })
  const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)))
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ frames, closed, ws }))
    ws.on('error', reject)
  })
}

function decode(frame: Uint8Array): { header: Record<string, unknown>; body: Record<string, unknown> } {
  const [header, body] = [...cborDecodeAll(frame)] as unknown as [Record<string, unknown>, Record<string, unknown>]
  return { header, body }
}

/** Checks one #commit frame the way a relay does: signature, op proofs, and inversion. */
async function verifyCommitFrame(body: Record<string, unknown>): Promise<void> {
  const car = body.blocks as Uint8Array
  const { root, blocks } = await readCarWithRoot(car)
  expect(root.toString()).toBe((body.commit as Cid).toString())
  const commitBytes = blocks.get(root)
  expect(commitBytes).toBeDefined()
  const commitObj = cborToLexRecord(commitBytes as Uint8Array) as Record<string, unknown>
  expect(commitObj.version).toBe(3)
  expect(commitObj.prev).toBeNull()
  expect(commitObj.did).toBe(DID)
  expect(commitObj.rev).toBe(body.rev)
  const { sig, ...unsigned } = commitObj
  expect(await verifySignature(signingKey, cborEncode(unsigned as never), sig as Uint8Array)).toBe(true)

  const ops = body.ops as Array<{ action: string; path: string; cid: Cid | null; prev?: Cid }>
  const claims = ops.map((op) => {
    const [collection = '', rkey = ''] = op.path.split('/')
    return { collection, rkey, cid: op.cid }
  })
  const { unverified } = await verifyProofs(car, claims, DID, signingKey)
  expect(unverified).toEqual([])

  // sync v1.1: the blocks alone let a consumer undo the ops and reach prevData.
  let tree = MST.load(new MemoryBlockstore(blocks), commitObj.data as Cid)
  for (const op of [...ops].reverse()) {
    if (op.action === 'create') tree = await tree.delete(op.path)
    else if (op.action === 'update') tree = await tree.update(op.path, op.prev as Cid)
    else tree = await tree.add(op.path, op.prev as Cid)
  }
  expect((await tree.getPointer()).toString()).toBe((body.prevData as Cid).toString())
}

const live: { sub?: Subscription } = {}
const expected = new Map<string, string>()

test('a repository is created with a signing key, and its genesis is announced', async () => {
  live.sub = await subscribe()
  const res = await harness<{ did: string; handle: string; signingKey: string; rev: string }>('/atproto/create-repo', { did: DID, handle: HANDLE })
  expect(res.status).toBe(200)
  expect(res.body.did).toBe(DID)
  expect(res.body.signingKey).toMatch(/^did:key:z/)
  signingKey = res.body.signingKey
  const again = await harness<{ error: string }>('/atproto/create-repo', { did: DID, handle: 'other.herd.example.com' })
  expect(again.status).toBe(400)
  expect(again.body.error).toBe('InvalidRequest')
})

test('the signing key is stored only sealed, bound to its DID, and a foreign key cannot sign', async () => {
  const own = await harness<{ sealed: string; opened: { ok: boolean; length?: number } }>('/atproto/sealed-key', { did: DID })
  expect(own.body.sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  expect(own.body.opened).toEqual({ ok: true, length: 32 })
  // The same sealed bytes do not open as another repository's key.
  const other = await harness<{ opened: { ok: boolean } }>('/atproto/sealed-key', { did: DID, openAs: 'did:plc:someoneelseaaaaaaaaaaaaa' })
  expect(other.body.opened).toEqual({ ok: false })
  // A key that is not this repository's is refused, and nothing is committed.
  const head = await (await xrpc('com.atproto.sync.getLatestCommit', { did: DID })).json()
  const foreign = await harness<{ error: string; message: string }>('/atproto/apply-writes', {
    did: DID,
    foreignKey: true,
    writes: [post('foreign', 'signed by someone else')],
  })
  expect(foreign.status).toBe(400)
  expect(foreign.body.message).toMatch(/signing key does not belong/)
  expect(await (await xrpc('com.atproto.sync.getLatestCommit', { did: DID })).json()).toEqual(head)
})

test('many writes, edits and deletes produce a repository the reference verifier accepts', async () => {
  for (let batch = 0; batch < 6; batch++) {
    const writes: Write[] = []
    for (let i = 0; i < 10; i++) {
      const rkey = `3kaaa${batch}${i}aaaa22`
      writes.push(post(rkey, `post ${batch}-${i}`))
      expected.set(`${POST}/${rkey}`, `post ${batch}-${i}`)
    }
    await commit(writes)
  }
  for (let i = 0; i < 15; i++) {
    const rkey = `3kaaa${i % 6}${Math.floor(i / 6)}aaaa22`
    await commit([{ action: 'update', collection: POST, rkey, record: { $type: POST, text: `edited ${i}`, createdAt: '2026-11-23T11:00:00.000Z' } }])
    expected.set(`${POST}/${rkey}`, `edited ${i}`)
  }
  const deletes: Write[] = []
  for (let i = 0; i < 15; i++) {
    const rkey = `3kaaa${i % 6}${9 - Math.floor(i / 6)}aaaa22`
    deletes.push({ action: 'delete', collection: POST, rkey })
    expected.delete(`${POST}/${rkey}`)
  }
  await commit(deletes)
  await commit([{ action: 'create', collection: 'app.bsky.actor.profile', rkey: 'self', record: { $type: 'app.bsky.actor.profile', displayName: 'Alice' } }])

  const res = await xrpc('com.atproto.sync.getRepo', { did: DID })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.ipld.car')
  const car = new Uint8Array(await res.arrayBuffer())
  const verified = await verifyRepoCar(car, DID, signingKey)
  const posts = verified.creates.filter((c) => c.collection === POST)
  expect(posts).toHaveLength(expected.size)
  const { blocks } = await readCarWithRoot(car)
  for (const c of posts) expect((cborToLexRecord(blocks.get(c.cid) as Uint8Array) as { text: string }).text).toBe(expected.get(`${POST}/${c.rkey}`))
  expect(verified.creates.some((c) => c.collection === 'app.bsky.actor.profile')).toBe(true)

  const latest = (await (await xrpc('com.atproto.sync.getLatestCommit', { did: DID })).json()) as { cid: string; rev: string }
  expect(latest.cid).toBe((await readCarWithRoot(car)).root.toString())
  expect(latest.rev).toBe(verified.commit.rev)
})

test('sync.getRecord proves presence and absence', async () => {
  const present = [...expected.keys()][0] ?? ''
  const rkey = present.split('/')[1] ?? ''
  const record = (await (await xrpc('com.atproto.repo.getRecord', { repo: DID, collection: POST, rkey })).json()) as { uri: string; cid: string; value: { text: string } }
  expect(record.uri).toBe(`at://${DID}/${present}`)
  expect(record.value.text).toBe(expected.get(present))

  const proof = new Uint8Array(await (await xrpc('com.atproto.sync.getRecord', { did: DID, collection: POST, rkey })).arrayBuffer())
  const { verified, unverified } = await verifyProofs(proof, [{ collection: POST, rkey, cid: (await import('@atproto/lex-data')).parseCid(record.cid) }], DID, signingKey)
  expect(verified).toHaveLength(1)
  expect(unverified).toEqual([])

  const absent = new Uint8Array(await (await xrpc('com.atproto.sync.getRecord', { did: DID, collection: POST, rkey: '3kaaa09aaaa22' })).arrayBuffer())
  const absence = await verifyProofs(absent, [{ collection: POST, rkey: '3kaaa09aaaa22', cid: null }], DID, signingKey)
  expect(absence.verified).toHaveLength(1)
})

test('repo and sync queries answer in the lexicon shapes', async () => {
  const describe = (await (await xrpc('com.atproto.repo.describeRepo', { repo: HANDLE })).json()) as Record<string, unknown>
  expect(describe).toMatchObject({ did: DID, handle: HANDLE, handleIsCorrect: true, collections: ['app.bsky.actor.profile', POST] })
  expect(JSON.stringify(describe.didDoc)).toContain(signingKey.slice('did:key:'.length))

  const page1 = (await (await xrpc('com.atproto.repo.listRecords', { repo: DID, collection: POST, limit: '20' })).json()) as { cursor: string; records: Array<{ uri: string }> }
  const page2 = (await (await xrpc('com.atproto.repo.listRecords', { repo: DID, collection: POST, limit: '100', cursor: page1.cursor })).json()) as { cursor?: string; records: Array<{ uri: string }> }
  const uris = [...page1.records, ...page2.records].map((r) => r.uri)
  expect(page1.records).toHaveLength(20)
  expect(page2.cursor).toBeUndefined()
  expect(new Set(uris).size).toBe(expected.size)
  expect([...uris].sort().reverse()).toEqual(uris)

  expect(await (await xrpc('com.atproto.identity.resolveHandle', { handle: HANDLE })).json()).toEqual({ did: DID })
  const repos = (await (await xrpc('com.atproto.sync.listRepos', {})).json()) as { repos: Array<{ did: string; active: boolean }> }
  expect(repos.repos.map((r) => [r.did, r.active])).toEqual([[DID, true]])
  expect(await (await xrpc('com.atproto.sync.getRepoStatus', { did: DID })).json()).toMatchObject({ did: DID, active: true })
  const server = (await (await xrpc('com.atproto.server.describeServer', {})).json()) as { did: string; availableUserDomains: string[] }
  expect(server.did).toMatch(/^did:web:/)
  expect(Array.isArray(server.availableUserDomains)).toBe(true)
})

test('blobs are listed and served with the security headers', async () => {
  const bytes = new TextEncoder().encode('<script>alert(1)</script>')
  const up = await stack.harness(`/atproto/upload-blob?did=${encodeURIComponent(DID)}`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: bytes })
  expect(up.status).toBe(200)
  const { cid } = (await up.json()) as { cid: string }
  expect(await (await xrpc('com.atproto.sync.listBlobs', { did: DID })).json()).toEqual({ cids: [cid] })
  const res = await xrpc('com.atproto.sync.getBlob', { did: DID, cid })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes)
  const missing = await xrpc('com.atproto.sync.getBlob', { did: DID, cid: 'bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity' })
  expect(missing.status).toBe(400)
  expect(await missing.json()).toMatchObject({ error: 'BlobNotFound' })
})

test('bad input gets XRPC errors and leaves no trace', async () => {
  const before = (await (await xrpc('com.atproto.sync.getLatestCommit', { did: DID })).json()) as { cid: string; rev: string }
  const missing = await xrpc('com.atproto.sync.getLatestCommit', {})
  expect(missing.status).toBe(400)
  expect(await missing.json()).toMatchObject({ error: 'InvalidRequest', message: expect.any(String) })
  const unknown = await xrpc('com.atproto.sync.getRepo', { did: 'did:plc:nobodyaaaaaaaaaaaaaaaaaa' })
  expect(unknown.status).toBe(400)
  expect(await unknown.json()).toMatchObject({ error: 'RepoNotFound' })
  const notImplemented = await stack.fetch('/xrpc/com.example.nothing')
  expect(notImplemented.status).toBe(501)
  expect(await notImplemented.json()).toMatchObject({ error: 'MethodNotImplemented' })
  expect((await stack.fetch('/xrpc/com.atproto.sync.getRepo?did=x', { method: 'POST' })).status).toBe(405)

  const tooMany = Array.from({ length: 201 }, (_, i) => post(`3kzzz${String(i).padStart(3, '0')}aaa22`, 'x'))
  const r1 = await harness<{ error: string; message: string }>('/atproto/apply-writes', { did: DID, writes: tooMany })
  expect(r1.status).toBe(400)
  expect(r1.body.message).toMatch(/Too many writes/)
  const huge = await harness<{ error: string; message: string }>('/atproto/apply-writes', { did: DID, writes: [post('3kzzzhugeaaa22', 'x'.repeat(1_000_001))] })
  expect(huge.status).toBe(400)
  expect(huge.body.message).toMatch(/Record too large/)
  // Six records of 0.9 MB each: every record is allowed, the frame (over 5 MB) is not.
  const bigFrame = await harness<{ error: string; message: string }>('/atproto/apply-writes', {
    did: DID,
    writes: Array.from({ length: 6 }, (_, i) => post(`3kzzzbig${i}aaa22`, 'y'.repeat(900_000) + String(i))),
  })
  expect(bigFrame.status).toBe(400)
  expect(bigFrame.body.message).toMatch(/frame would be/)
  const rolledBack = await xrpc('com.atproto.repo.getRecord', { repo: DID, collection: POST, rkey: '3kzzzbig0aaa22' })
  expect(rolledBack.status).toBe(400)
  expect(await rolledBack.json()).toMatchObject({ error: 'RecordNotFound' })
  const dup = await harness<{ error: string }>('/atproto/apply-writes', { did: DID, writes: [post(([...expected.keys()][0] ?? '').split('/')[1] ?? '', 'dup')] })
  expect(dup.status).toBe(400)
  const float = await harness<{ error: string }>('/atproto/apply-writes', { did: DID, writes: [{ action: 'create', collection: POST, rkey: '3kzzzfloataa22', record: { $type: POST, n: 1.5 } }] })
  expect(float.status).toBe(400)

  const after = (await (await xrpc('com.atproto.sync.getLatestCommit', { did: DID })).json()) as { cid: string; rev: string }
  expect(after).toEqual(before)
})

test('the firehose: live frames, replay from 0, from the middle, and from the future', async () => {
  const sub = live.sub as Subscription
  const last = await commit([post('3kaaalastaaa22', 'last')])
  const liveFrames = await eventually(async () => (sub.frames.some((f) => decode(f).body.seq === last.seq) ? sub.frames : null), 'live frames')
  sub.ws.close()

  const liveDecoded = liveFrames.map(decode)
  const seqs = liveDecoded.map((f) => f.body.seq as number)
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] ?? 0) + 1)
  expect(liveDecoded.slice(0, 3).map((f) => f.header.t)).toEqual(['#identity', '#account', '#sync'])
  // The rejected commits above left no gap.
  expect(seqs.at(-1)).toBe(last.seq)
  let previousRev = ''
  for (const { header, body } of liveDecoded) {
    expect(header.op).toBe(1)
    if (header.t !== '#commit') continue
    expect(body.rev as string > previousRev).toBe(true)
    if (previousRev !== '') expect(body.since).toBe(previousRev)
    previousRev = body.rev as string
    await verifyCommitFrame(body)
  }

  const fromZero = await subscribe(0)
  await eventually(async () => fromZero.frames.length >= liveFrames.length, 'replay from 0')
  expect(fromZero.frames.map((f) => Buffer.from(f).toString('base64'))).toEqual(liveFrames.map((f) => Buffer.from(f).toString('base64')))

  const middle = seqs[Math.floor(seqs.length / 2)] ?? 0
  const fromMiddle = await subscribe(middle)
  const tail = liveFrames.filter((_, i) => (seqs[i] ?? 0) > middle)
  await eventually(async () => fromMiddle.frames.length >= tail.length, 'replay from the middle')
  expect(fromMiddle.frames.map((f) => Buffer.from(f).toString('base64'))).toEqual(tail.map((f) => Buffer.from(f).toString('base64')))

  // A replaying socket then joins the live stream, with no gap and no duplicate.
  const next = await commit([post('3kaaanextaaa22', 'next')])
  await eventually(async () => fromZero.frames.length === liveFrames.length + 1, 'live after replay')
  expect(decode(fromZero.frames.at(-1) as Buffer).body.seq).toBe(next.seq)
  fromZero.ws.close()
  fromMiddle.ws.close()

  const future = await subscribe(next.seq + 1000)
  expect(await future.closed).toBe(1008)
  expect(future.frames).toHaveLength(1)
  expect(decode(future.frames[0] ?? Buffer.alloc(0))).toEqual({ header: { op: -1 }, body: { error: 'FutureCursor', message: expect.any(String) } })
})

test('a cursor older than the retention window gets OutdatedCursor, then the oldest retained events', async () => {
  const latest = await commit([post('3kaaaoldaaaa22', 'old')])
  const pruneThrough = latest.seq - 3
  expect((await harness('/atproto/prune', { seq: pruneThrough })).status).toBe(200)
  const sub = await subscribe(5)
  await eventually(async () => sub.frames.length >= 4, 'outdated replay')
  sub.ws.close()
  const decoded = sub.frames.map(decode)
  expect(decoded[0]).toEqual({ header: { op: 1, t: '#info' }, body: { name: 'OutdatedCursor', message: expect.any(String) } })
  expect(decoded.slice(1).map((f) => f.body.seq)).toEqual([pruneThrough + 1, pruneThrough + 2, pruneThrough + 3])
})

test("@atproto/sync's Firehose, verifying signatures and proofs, accepts the whole stream", async () => {
  const last = await commit([post('3kaaasyncaaa22', 'sync check'), { action: 'delete', collection: POST, rkey: '3kaaalastaaa22' }])
  const describe = (await (await xrpc('com.atproto.repo.describeRepo', { repo: DID })).json()) as { didDoc: unknown }
  const service = stack.url.href.replace(/^http/, 'ws').replace(/\/$/, '')
  const input = JSON.stringify({ service, cursor: 0, did: DID, handle: HANDLE, signingKey, didDoc: describe.didDoc, expectSeq: last.seq })
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(process.execPath, ['test/helpers/atproto-sync-consumer.mjs'], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    )
    child.stdin?.end(input)
  })
  const { events, errors } = JSON.parse(output) as { events: Array<{ event: string; seq: number; collection?: string; rkey?: string; handle?: string }>; errors: string[] }
  expect(errors).toEqual([])
  // Everything retained after the pruning above, in order, ending with the last commit's two ops.
  expect(events.at(-1)).toMatchObject({ event: 'delete', seq: last.seq, collection: POST, rkey: '3kaaalastaaa22' })
  expect(events.at(-2)).toMatchObject({ event: 'create', seq: last.seq, collection: POST, rkey: '3kaaasyncaaa22' })
  const seqs = [...new Set(events.map((e) => e.seq))]
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] ?? 0) + 1)
})

test('a replay longer than one batch, with commits landing during it, has no gap and no duplicate', async () => {
  const many = async (count: number, prefix: string): Promise<number> => {
    let next = 0
    let lastSeq = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < count) {
          const i = next++
          const { seq } = await commit([post(`${prefix}${String(i).padStart(5, '0')}`, `bulk ${i}`)])
          lastSeq = Math.max(lastSeq, seq)
        }
      }),
    )
    return lastSeq
  }
  await many(1100, '3kbulk')
  const sub = await subscribe(0)
  const last = await many(30, '3kduring')
  await eventually(async () => sub.frames.some((f) => decode(f).body.seq === last), 'replay catching up with live commits', 300)
  sub.ws.close()
  const seqs = sub.frames.map((f) => decode(f).body).filter((b) => typeof b.seq === 'number').map((b) => b.seq as number)
  expect(seqs.length).toBeGreaterThan(1130)
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] ?? 0) + 1)
  expect(seqs.at(-1)).toBe(last)
})
