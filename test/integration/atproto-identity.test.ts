// Bluesky bridge, identity side: opting in and out through Herd's API, the did:plc genesis (and a
// handle update) received by a PLC directory on loopback, the profile record with real blobs, the
// relays asked to crawl, and handles answered per host name.
import WebSocket from 'ws'
import { cborDecodeAll } from '@atproto/lex-cbor'
import type { Cid } from '@atproto/lex-data'
import { verifyProofs } from '@atproto/repo'
import { jsonToLex } from '@atproto/lexicon'
import { AppBskyActorProfile } from '@atproto/api'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { registeredUserToken, signIn, userTokenWithAccount } from '../helpers/auth'
import { png } from '../helpers/images'
import { plcDidOf, signedBy, startLoopback, type Loopback, type Received } from '../../scripts/dev/atproto-loopback'

const HOST = 'herd.example'
const ORIGIN = `http://${HOST}`

/** One loopback server plays the PLC directory, a relay and a DNS-over-HTTPS resolver (test/helpers/atproto-loopback.ts). */
let peer: Loopback
let stack: Stack
let alice: { token: string; accountId: string }
let bob: { token: string; accountId: string }
let avatarBytes: Uint8Array

beforeAll(async () => {
  peer = await startLoopback()
  stack = await startStack({ bindings: peer.bindings })
  alice = await userTokenWithAccount(stack, 'alice')
  bob = await registeredUserToken(stack, 'bob_the_ram')
})
afterAll(async () => {
  state.sub?.ws.close()
  await stack?.dispose()
  await peer?.close()
})

/** A request to Pages as if sent to `host` (the instance's domain, or a handle's host name). */
async function at(host: string, path: string, init: { method?: string; token?: string; json?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const headers: Record<string, string> = {}
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  if (init.json !== undefined) headers['Content-Type'] = 'application/json'
  const res = (await stack.mf.dispatchFetch(`http://${host}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  })) as unknown as Response
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    // text/plain answers
  }
  return { status: res.status, body, text, headers: res.headers }
}

const bridge = (method: string, token: string, json?: unknown) => at(HOST, '/api/herd/v1/atproto', { method, token, json })

async function xrpc(nsid: string, params: Record<string, string>): Promise<Response> {
  return stack.fetch(`/xrpc/${nsid}?${new URLSearchParams(params)}`)
}

interface Frame {
  t: string
  body: Record<string, unknown>
}

/** The firehose, decoded: header type and body of every frame since subscribing. */
async function subscribe(): Promise<{ frames: Frame[]; ws: WebSocket }> {
  const url = new URL('/xrpc/com.atproto.sync.subscribeRepos', stack.url)
  url.protocol = 'ws:'
  const ws = new WebSocket(url.href)
  const frames: Frame[] = []
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer) => {
    const [header, body] = [...cborDecodeAll(data)] as unknown as [Record<string, unknown>, Record<string, unknown>]
    frames.push({ t: String(header.t), body })
  })
  await new Promise((resolve, reject) => {
    ws.on('open', resolve)
    ws.on('error', reject)
  })
  return { frames, ws }
}

async function aliceRow(): Promise<Record<string, unknown> | null> {
  return stack.db.prepare('SELECT did, handle, active, long_posts, rotation_key_sealed, plc_op_cid FROM atproto_accounts WHERE account_id = ?').bind(alice.accountId).first()
}

const state: { did?: string; signingKey?: string; genesis?: Record<string, unknown>; sub?: { frames: Frame[]; ws: WebSocket } } = {}

test('the bridge is off until the account turns it on', async () => {
  const res = await bridge('GET', alice.token)
  expect(res.status).toBe(200)
  expect(res.body).toEqual({ enabled: false, did: null, handle: null, long_posts: 'truncate', profile_url: null })
  expect((await at(HOST, '/api/herd/v1/atproto')).status).toBe(401)
  expect(await aliceRow()).toBeNull()
})

test('bad input is refused with a clear 4xx and creates nothing', async () => {
  const bad = await bridge('POST', alice.token, { long_posts: 'novel' })
  expect(bad.status).toBe(422)
  expect(bad.body.error).toMatch(/long_posts must be truncate or thread/)
  const unknown = await bridge('POST', alice.token, { colour: 'blue' })
  expect(unknown.status).toBe(422)
  expect((await bridge('PATCH', alice.token, { long_posts: 'thread' })).status).toBe(404)
  expect((await bridge('DELETE', alice.token)).status).toBe(404)
  expect(peer.plcOps).toHaveLength(0)
  expect(await aliceRow()).toBeNull()
})

test('opting in registers a signed genesis operation with the PLC directory and announces the repository', async () => {
  // A profile to bridge: name, a bio with markup, a PNG avatar and header.
  avatarBytes = png(48, 48)
  const form = new FormData()
  form.set('display_name', 'Alice of the Meadow')
  form.set('note', 'Grazes <daily>.\n\nLikes clover & hay.')
  form.set('avatar', new Blob([avatarBytes], { type: 'image/png' }), 'a.png')
  form.set('header', new Blob([png(300, 100)], { type: 'image/png' }), 'h.png')
  const updated = await stack.fetch('/api/v1/accounts/update_credentials', { method: 'PATCH', headers: { Authorization: `Bearer ${alice.token}` }, body: form })
  expect(updated.status).toBe(200)

  state.sub = await subscribe()
  const res = await bridge('POST', alice.token, { long_posts: 'thread' })
  expect(res.status).toBe(200)
  expect(res.body).toMatchObject({ enabled: true, handle: `alice.${HOST}`, long_posts: 'thread', profile_url: `https://bsky.app/profile/alice.${HOST}` })
  const did = String(res.body.did)
  expect(did).toMatch(/^did:plc:[a-z2-7]{24}$/)
  state.did = did

  // The directory got exactly one operation, for this DID: a well-formed genesis, validly signed by
  // its rotation key, whose hash is the DID.
  expect(peer.plcOps.map((o) => o.path)).toEqual([did])
  const op = (peer.plcOps[0] as Received).body
  state.genesis = op
  expect(op).toMatchObject({
    type: 'plc_operation',
    prev: null,
    alsoKnownAs: [`at://alice.${HOST}`],
    services: { atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: ORIGIN } },
  })
  const rotationKeys = op.rotationKeys as string[]
  expect(rotationKeys).toHaveLength(1)
  expect(rotationKeys[0]).toMatch(/^did:key:zQ3s/) // secp256k1
  expect(await signedBy(op, rotationKeys[0] as string)).toBe(true)
  expect(await signedBy({ ...op, alsoKnownAs: ['at://mallory.example'] }, rotationKeys[0] as string)).toBe(false)
  // Derived here by the test directory's own code, not the server's.
  expect(plcDidOf(op)).toBe(did)

  // The repository is signed by the key the operation names for #atproto.
  const signingKey = (op.verificationMethods as { atproto: string }).atproto
  state.signingKey = signingKey
  const described = (await (await xrpc('com.atproto.repo.describeRepo', { repo: did })).json()) as { didDoc: { verificationMethod: Array<{ publicKeyMultibase: string }> } }
  expect(`did:key:${described.didDoc.verificationMethod[0]?.publicKeyMultibase}`).toBe(signingKey)

  // Stored: the row, with the rotation key sealed, never in the clear.
  const row = await aliceRow()
  expect(row).toMatchObject({ did, handle: `alice.${HOST}`, active: 1, long_posts: 'thread' })
  expect(String(row?.rotation_key_sealed)).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  expect(row?.plc_op_cid).toMatch(/^bafyrei/)

  // The firehose: #identity, #account (active), the genesis #sync, then the first #commit: the profile.
  const frames = await eventually(async () => (state.sub?.frames.some((f) => f.t === '#commit') ? state.sub.frames : null), 'the profile commit')
  expect(frames.map((f) => f.t)).toEqual(['#identity', '#account', '#sync', '#commit'])
  expect(frames[0]?.body).toMatchObject({ did, handle: `alice.${HOST}` })
  expect(frames[1]?.body).toMatchObject({ did, active: true })
  const commit = frames[3]?.body as Record<string, unknown>
  const ops = commit.ops as Array<{ action: string; path: string; cid: Cid }>
  expect(ops.map((o) => `${o.action} ${o.path}`)).toEqual(['create app.bsky.actor.profile/self'])
  const { unverified } = await verifyProofs(commit.blocks as Uint8Array, [{ collection: 'app.bsky.actor.profile', rkey: 'self', cid: (ops[0] as { cid: Cid }).cid }], did, signingKey)
  expect(unverified).toEqual([])
})

test('the profile record is valid against the lexicon, with real blobs fetchable by CID', async () => {
  const did = state.did as string
  const res = await xrpc('com.atproto.repo.getRecord', { repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' })
  expect(res.status).toBe(200)
  const { value } = (await res.json()) as { value: Record<string, unknown> }
  const validation = AppBskyActorProfile.validateRecord(jsonToLex(value as never) as never)
  expect(validation.success ? null : String(validation.error)).toBeNull()
  expect(value).toMatchObject({ $type: 'app.bsky.actor.profile', displayName: 'Alice of the Meadow', description: 'Grazes <daily>.\n\nLikes clover & hay.' })
  const avatar = value.avatar as { $type: string; ref: { $link: string }; mimeType: string; size: number }
  expect(avatar).toMatchObject({ $type: 'blob', mimeType: 'image/png', size: avatarBytes.length })
  const blob = await xrpc('com.atproto.sync.getBlob', { did, cid: avatar.ref.$link })
  expect(blob.status).toBe(200)
  expect(blob.headers.get('content-type')).toBe('image/png')
  expect(new Uint8Array(await blob.arrayBuffer())).toEqual(avatarBytes)
  const banner = value.banner as { ref: { $link: string }; mimeType: string }
  expect(banner.mimeType).toBe('image/png')
  expect((await xrpc('com.atproto.sync.getBlob', { did, cid: banner.ref.$link })).status).toBe(200)
})

test('the relays are asked to crawl this host', async () => {
  await eventually(async () => peer.crawls.length > 0, 'requestCrawl at the relay')
  expect(peer.crawls[0]?.body).toEqual({ hostname: HOST })
})

test('handles resolve per host name, and the instance has a did:web document', async () => {
  const did = state.did as string
  const own = await at(`alice.${HOST}`, '/.well-known/atproto-did')
  expect(own.status).toBe(200)
  expect(own.headers.get('content-type')).toMatch(/^text\/plain/)
  expect(own.text).toBe(did)
  const upper = await at(`ALICE.${HOST}`, '/.well-known/atproto-did')
  expect(upper.text).toBe(did)
  expect((await at(`nobody.${HOST}`, '/.well-known/atproto-did')).status).toBe(404)
  expect((await at(HOST, '/.well-known/atproto-did')).status).toBe(404)
  // Deployed, handle host names reach the consumer Worker's route (tf/atproto.tf): it answers the same.
  const consumer = await stack.mf.getWorker('herd-consumer')
  const viaRoute = (await consumer.fetch(`https://alice.${HOST}/.well-known/atproto-did`)) as unknown as Response
  expect(viaRoute.status).toBe(200)
  expect(await viaRoute.text()).toBe(did)
  expect(((await consumer.fetch(`https://alice.${HOST}/other`)) as unknown as Response).status).toBe(404)
  const resolved = (await (await xrpc('com.atproto.identity.resolveHandle', { handle: `alice.${HOST}` })).json()) as { did: string }
  expect(resolved.did).toBe(did)
  const web = await at(HOST, '/.well-known/did.json')
  expect(web.status).toBe(200)
  expect(web.body).toEqual({
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: `did:web:${HOST}`,
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: ORIGIN }],
  })
})

test('opting in twice is a 409 and changes nothing', async () => {
  const before = { ops: peer.plcOps.length, frames: state.sub?.frames.length, row: await aliceRow() }
  const again = await bridge('POST', alice.token)
  expect(again.status).toBe(409)
  expect(again.body.error).toMatch(/already bridged/)
  expect(peer.plcOps.length).toBe(before.ops)
  expect(await aliceRow()).toEqual(before.row)
  const repos = (await (await xrpc('com.atproto.sync.listRepos', {})).json()) as { repos: unknown[] }
  expect(repos.repos).toHaveLength(1)
  expect(state.sub?.frames.length).toBe(before.frames)
})

test('long_posts is a per-account setting, checked', async () => {
  expect((await bridge('PATCH', alice.token, { long_posts: 'novel' })).status).toBe(422)
  expect((await aliceRow())?.long_posts).toBe('thread')
  const res = await bridge('PATCH', alice.token, { long_posts: 'truncate' })
  expect(res.status).toBe(200)
  expect(res.body.long_posts).toBe('truncate')
  expect((await aliceRow())?.long_posts).toBe('truncate')
})

test('a profile change reaches the profile record', async () => {
  const did = state.did as string
  const res = await stack.fetch('/api/v1/accounts/update_credentials', {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ display_name: 'Alice, shorn' }),
  })
  expect(res.status).toBe(200)
  const value = await eventually(async () => {
    const r = (await (await xrpc('com.atproto.repo.getRecord', { repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' })).json()) as { value: Record<string, unknown> }
    return r.value.displayName === 'Alice, shorn' ? r.value : null
  }, 'the updated profile record')
  expect((value.avatar as { size: number }).size).toBe(avatarBytes.length)
  const commits = state.sub?.frames.filter((f) => f.t === '#commit') ?? []
  expect((commits.at(-1)?.body.ops as Array<{ action: string }>)[0]?.action).toBe('update')
})

test('a custom handle is verified through DNS and sent to the PLC directory as a signed update', async () => {
  const did = state.did as string
  const unverified = await bridge('PATCH', alice.token, { handle: 'alice.pasture.example' })
  expect(unverified.status).toBe(422)
  expect(unverified.body.error).toMatch(/_atproto\.alice\.pasture\.example/)
  expect(peer.plcOps).toHaveLength(1)

  peer.txt.set('_atproto.alice.pasture.example', `did=${did}`)
  const res = await bridge('PATCH', alice.token, { handle: 'alice.pasture.example' })
  expect(res.status).toBe(200)
  expect(res.body.handle).toBe('alice.pasture.example')
  expect(peer.plcOps).toHaveLength(2)
  const update = (peer.plcOps[1] as Received).body
  const genesis = state.genesis as Record<string, unknown>
  expect(update).toMatchObject({ type: 'plc_operation', alsoKnownAs: ['at://alice.pasture.example'], rotationKeys: genesis.rotationKeys, verificationMethods: genesis.verificationMethods })
  // prev is the CID of the genesis operation, and the rotation key signed it.
  const { cidForLex } = await import('@atproto/lex-cbor')
  expect(update.prev).toBe((await cidForLex(genesis as never)).toString())
  expect(await signedBy(update, (genesis.rotationKeys as string[])[0] as string)).toBe(true)
  await eventually(async () => state.sub?.frames.some((f) => f.t === '#identity' && f.body.handle === 'alice.pasture.example'), '#identity with the new handle')
  const resolved = (await (await xrpc('com.atproto.identity.resolveHandle', { handle: 'alice.pasture.example' })).json()) as { did: string }
  expect(resolved.did).toBe(did)
  expect((await at(`alice.${HOST}`, '/.well-known/atproto-did')).status).toBe(404)

  // Someone else's name under this server's domain is not on offer.
  const squat = await bridge('PATCH', alice.token, { handle: `bob-the-ram.${HOST}` })
  expect(squat.status).toBe(422)
  expect(squat.body.error).toMatch(/yours is alice\.herd\.example/)
})

test('opting out deactivates the account and the repository refuses writes; opting back in keeps the DID', async () => {
  const did = state.did as string
  const listed = async () => ((await (await xrpc('com.atproto.sync.listRepos', {})).json()) as { repos: Array<{ did: string }> }).repos.find((r) => r.did === did)
  const head = (await xrpc('com.atproto.sync.getLatestCommit', { did }).then((r) => r.json())) as { cid: string; rev: string }
  expect(await listed()).toMatchObject({ head: head.cid, rev: head.rev, active: true })
  const off = await bridge('DELETE', alice.token)
  expect(off.status).toBe(200)
  expect(off.body).toMatchObject({ enabled: false, did })
  const deactivated = await eventually(async () => state.sub?.frames.find((f) => f.t === '#account' && f.body.active === false), '#account active:false')
  expect(deactivated.body).toMatchObject({ did, active: false, status: 'deactivated' })
  expect(await (await xrpc('com.atproto.sync.getRepoStatus', { did })).json()).toEqual({ did, active: false, status: 'deactivated' })

  const write = await stack.harness('/atproto/apply-writes', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ did, writes: [{ action: 'create', collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: 'after', createdAt: new Date().toISOString() } }] }),
  })
  expect(write.status).toBe(400)
  expect(((await write.json()) as { error: string }).error).toBe('RepoDeactivated')
  // The sync reads no longer serve it (RepoDeactivated, as the lexicons say); listRepos shows it unchanged.
  const latest = await xrpc('com.atproto.sync.getLatestCommit', { did })
  expect(latest.status).toBe(400)
  expect(((await latest.json()) as { error: string }).error).toBe('RepoDeactivated')
  expect(await listed()).toMatchObject({ head: head.cid, rev: head.rev, active: false })
  // A profile change while opted out leaves the repository alone.
  await stack.fetch('/api/v1/accounts/update_credentials', {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ display_name: 'Alice, away' }),
  })
  expect((await aliceRow())?.active).toBe(0)
  expect((await bridge('DELETE', alice.token)).status).toBe(200)

  const crawlsBefore = peer.crawls.length
  const on = await bridge('POST', alice.token)
  expect(on.status).toBe(200)
  expect(on.body).toMatchObject({ enabled: true, did, handle: 'alice.pasture.example' })
  expect(peer.plcOps).toHaveLength(2)
  await eventually(async () => state.sub?.frames.filter((f) => f.t === '#account').at(-1)?.body.active === true, '#account active:true again')
  // Back on, the profile catches up with the change made while away.
  await eventually(async () => {
    const r = (await (await xrpc('com.atproto.repo.getRecord', { repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' })).json()) as { value: Record<string, unknown> }
    return r.value.displayName === 'Alice, away'
  }, 'the profile written again after reactivation')
  await eventually(async () => peer.crawls.length > crawlsBefore, 'a new crawl request')
})

test('going back from a custom handle to the server-given one needs no proof, and chains the next PLC operation', async () => {
  const did = state.did as string
  const res = await bridge('PATCH', alice.token, { handle: `alice.${HOST}` })
  expect(res.status).toBe(200)
  expect(res.body.handle).toBe(`alice.${HOST}`)
  expect(peer.plcOps).toHaveLength(3)
  // The directory checked each one (genesis hash, signatures, prev chain) and refused none.
  expect(peer.plcRefused).toEqual([])
  const [, second, third] = peer.plcOps.map((o) => o.body)
  const { cidForLex } = await import('@atproto/lex-cbor')
  expect(third).toMatchObject({ alsoKnownAs: [`at://alice.${HOST}`], prev: (await cidForLex(second as never)).toString() })
  expect((await at(`alice.${HOST}`, '/.well-known/atproto-did')).text).toBe(did)
})

test('a PLC directory that refuses the genesis leaves nothing behind, and a retry succeeds', async () => {
  const repos = async () => ((await (await xrpc('com.atproto.sync.listRepos', {})).json()) as { repos: unknown[] }).repos.length
  const before = await repos()
  peer.refuseAll = true
  const refused = await bridge('POST', bob.token)
  peer.refuseAll = false
  expect(refused.status).toBe(502)
  expect(refused.body.error).toMatch(/PLC directory refused the operation \(400\)/)
  expect(await stack.db.prepare('SELECT COUNT(*) AS n FROM atproto_accounts WHERE account_id = ?').bind(bob.accountId).first('n')).toBe(0)
  expect(await repos()).toBe(before)
  expect((await bridge('GET', bob.token)).body.enabled).toBe(false)
})

test('a username with an underscore gets a valid handle; the account settings read is cheap', async () => {
  const res = await bridge('POST', bob.token)
  expect(res.status).toBe(200)
  expect(res.body.handle).toBe(`bob-the-ram.${HOST}`)
  const read = await at(HOST, '/api/herd/v1/atproto', { token: bob.token })
  expect(read.status).toBe(200)
  // Token check plus one row of atproto_accounts (measured: 3 rows, 2 queries); opting in reads by
  // primary key and unique index only (measured: 5 rows, 7 queries), whatever the number of accounts.
  expect(Number(read.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(3)
  expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(6)
})

describe('the account settings page (server-rendered)', () => {
  let cookies: Map<string, string>
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  async function page(path: string, form?: Record<string, string>): Promise<{ status: number; html: string; location: string }> {
    const headers: Record<string, string> = { Cookie: cookie() }
    if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded'
      headers.Origin = ORIGIN
    }
    const res = (await stack.mf.dispatchFetch(`${ORIGIN}${path}`, {
      method: form ? 'POST' : 'GET',
      headers,
      body: form ? new URLSearchParams({ csrf: cookies.get('herd_csrf') ?? '', ...form }).toString() : undefined,
      redirect: 'manual',
    })) as unknown as Response
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const eq = pair.indexOf('=')
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
    return { status: res.status, html: await res.text(), location: res.headers.get('location') ?? '' }
  }
  // Qwik marks dynamic text with comments; the text a reader sees is what is left without them.
  const text = (html: string, testid: string): string | null => new RegExp(`data-testid="${testid}"[^>]*>([^<]*)<`).exec(html.replace(/<!--.*?-->/g, ''))?.[1] ?? null

  beforeAll(async () => {
    await registeredUserToken(stack, 'carol')
    cookies = new Map((await signIn(stack, 'carol@example.com', 'correct horse battery')).browser.cookies)
  })

  it('sends a signed-out visitor to the login', async () => {
    const res = (await stack.mf.dispatchFetch(`${ORIGIN}/settings/bluesky`, { redirect: 'manual' })) as unknown as Response
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/auth/login?return_to=%2Fsettings%2Fbluesky')
  })

  it('shows the bridge off, turns it on from the form, then shows the handle, the DID and the Bluesky profile link', async () => {
    const before = await page('/settings/bluesky')
    expect(before.status).toBe(200)
    expect(text(before.html, 'bluesky-state')).toBe('off')
    expect(before.html).toContain('action="/settings/actions/on"')

    // A post without the page's CSRF token is refused and changes nothing.
    const forged = await page('/settings/actions/on', { csrf: 'forged', long_posts: 'thread' })
    expect(forged.status).toBe(403)

    const on = await page('/settings/actions/on', { long_posts: 'thread' })
    expect(on.status).toBe(303)
    expect(on.location).toBe('/settings/bluesky?saved=1')
    const row = await stack.db.prepare("SELECT a.did, a.long_posts FROM atproto_accounts a JOIN accounts c ON c.id = a.account_id WHERE c.username = 'carol'").first<{ did: string; long_posts: string }>()
    expect(row?.long_posts).toBe('thread')

    const after = await page('/settings/bluesky?saved=1')
    expect(text(after.html, 'bluesky-state')).toBe('on')
    expect(text(after.html, 'bluesky-handle')).toBe(`@carol.${HOST}`)
    expect(text(after.html, 'bluesky-did')).toBe(row?.did)
    expect(after.html).toContain(`href="https://bsky.app/profile/carol.${HOST}"`)
    expect(after.html).toMatch(/<input[^>]*value="thread"[^>]*checked/)

    // Turning it on again is refused with a message on the page.
    const twice = await page('/settings/actions/on', {})
    expect(twice.status).toBe(303)
    expect(decodeURIComponent(twice.location.replace(/\+/g, ' '))).toMatch(/error=This account is already bridged/)
    expect(text((await page(twice.location)).html, 'form-error')).toMatch(/already bridged/)

    const off = await page('/settings/actions/off', {})
    expect(off.location).toBe('/settings/bluesky?saved=1')
    const offPage = await page('/settings/bluesky')
    expect(text(offPage.html, 'bluesky-state')).toBe('off')
    expect(text(offPage.html, 'bluesky-did')).toBe(row?.did)
  })
})
