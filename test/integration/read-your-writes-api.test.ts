// Read-your-writes through the real write paths: the client API (post, edit, delete, follow,
// unfollow, favourite, boost, reply) and the same actions arriving as signed federated activities
// that the queue consumer processes. After each write (for the consumer: once it acked the
// activity), the very next read of every timeline and every count is right, with no waiting.
import { createHash, createSign, generateKeyPairSync } from 'node:crypto'
import { eventually, startStack, type Stack } from '../helpers/stack'
import { people, type Person } from '../helpers/api'

const HOST = 'ryw-remote.example'
const ACTOR = `https://${HOST}/users/fed`
const KEY_ID = `${ACTOR}#main-key`
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public'
const remoteKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const REMOTE_ID = '990000000000000777'

let stack: Stack
let alice: Person
let bob: Person
let seq = 0

type Status = { id: string; content: string; favourites_count: number; reblogs_count: number; replies_count: number; favourited?: boolean; reblogged?: boolean; reblog: { id: string } | null }
type Account = { statuses_count: number; followers_count: number; following_count: number }

async function read<T>(who: Person | null, path: string): Promise<T> {
  const res = who ? await who.api('GET', path) : await stack.fetch(path).then(async (r) => ({ status: r.status, body: await r.json() }))
  expect({ path, status: res.status }).toEqual({ path, status: 200 })
  return res.body as T
}
const ids = (list: Array<{ id: string }>) => list.map((s) => s.id)
const home = async (who: Person) => read<Status[]>(who, '/api/v1/timelines/home?limit=40')
const account = (id: string) => read<Account>(bob, `/api/v1/accounts/${id}`)
const status = (who: Person, id: string) => read<Status>(who, `/api/v1/statuses/${id}`)

/** Every timeline a public post by `authorId` tagged #tag should be on, read by `viewer`. */
async function timelines(viewer: Person, authorId: string, tag: string, local: boolean): Promise<Record<string, string[]>> {
  return {
    home: ids(await home(viewer)),
    public: ids(await read(null, `/api/v1/timelines/public?${local ? 'local' : 'remote'}=true&limit=40`)),
    tag: ids(await read(null, `/api/v1/timelines/tag/${tag}?limit=40`)),
    account: ids(await read(viewer, `/api/v1/accounts/${authorId}/statuses?limit=40`)),
  }
}
const everywhere = (id: string) => ({ home: expect.arrayContaining([id]), public: expect.arrayContaining([id]), tag: expect.arrayContaining([id]), account: expect.arrayContaining([id]) })
const nowhere = (id: string) => ({ home: expect.not.arrayContaining([id]), public: expect.not.arrayContaining([id]), tag: expect.not.arrayContaining([id]), account: expect.not.arrayContaining([id]) })

async function ok(res: Promise<{ status: number; body: unknown }>): Promise<Status> {
  const r = await res
  expect(r.status).toBe(200)
  return r.body as Status
}

/** A federated activity from the remote actor, signed in Node as Mastodon signs it, acked by the consumer. */
async function federate(activity: Record<string, unknown>): Promise<void> {
  const id = typeof activity.id === 'string' ? activity.id : `${ACTOR}#activities/${++seq}`
  const body = JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', actor: ACTOR, ...activity, id })
  const url = new URL('/inbox', stack.url)
  const date = new Date().toUTCString()
  const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`
  const signature = createSign('RSA-SHA256').update(`(request-target): post /inbox\nhost: ${url.host}\ndate: ${date}\ndigest: ${digest}`).sign(remoteKeys.privateKey, 'base64')
  const res = await stack.fetch('/inbox', {
    method: 'POST',
    headers: { 'content-type': 'application/activity+json', date, digest, signature: `keyId="${KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"` },
    body,
  })
  expect(res.status).toBe(202)
  // The consumer records the activity once its handler ran: everything it wrote is in by then.
  await eventually(() => stack.db.prepare('SELECT uri FROM processed_activities WHERE uri = ?').bind(id).first(), `processed ${id}`, 300)
}

async function statusIdOfUri(uri: string): Promise<string> {
  const row = await stack.db.prepare('SELECT id FROM statuses WHERE uri = ?').bind(uri).first<{ id: string }>()
  if (!row) throw new Error(`no status ${uri}`)
  return row.id
}

beforeAll(async () => {
  stack = await startStack()
  const p = await people(stack, 'bob')
  alice = p.alice
  bob = p.others[0]
  await stack.db
    .prepare(`INSERT INTO accounts (id, username, domain, uri, url, inbox_url, key_id, public_key_pem, fetched_at) VALUES (?, 'fed', ?, ?, ?, ?, ?, ?, ?)`)
    .bind(REMOTE_ID, HOST, ACTOR, ACTOR, `${ACTOR}/inbox`, KEY_ID, remoteKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), new Date().toISOString())
    .run()
}, 180_000)
afterAll(async () => {
  await stack?.dispose()
})

describe('read-your-writes through the client API', () => {
  let mine = ''

  it('follow: counts and the followed account’s posts at once', async () => {
    const earlier = await ok(alice.api('POST', '/api/v1/statuses', { status: 'before the follow' }))
    const [a0, b0] = [await account(alice.id), await account(bob.id)]
    await ok(bob.api('POST', `/api/v1/accounts/${alice.id}/follow`))
    expect(ids(await home(bob))).toContain(earlier.id)
    expect((await account(alice.id)).followers_count).toBe(a0.followers_count + 1)
    expect((await account(bob.id)).following_count).toBe(b0.following_count + 1)
  })

  it('post: on every timeline and counted', async () => {
    const before = (await account(alice.id)).statuses_count
    mine = (await ok(alice.api('POST', '/api/v1/statuses', { status: 'fresh #rywapi' }))).id
    expect(await timelines(bob, alice.id, 'rywapi', true)).toEqual(everywhere(mine))
    expect(ids(await home(alice))).toContain(mine)
    expect((await status(bob, mine)).id).toBe(mine)
    expect((await account(alice.id)).statuses_count).toBe(before + 1)
    expect((await read<Account>(alice, '/api/v1/accounts/verify_credentials')).statuses_count).toBe(before + 1)
  })

  it('edit: the new text on the next read of the status and the timelines', async () => {
    await ok(alice.api('PUT', `/api/v1/statuses/${mine}`, { status: 'edited #rywapi' }))
    expect((await status(bob, mine)).content).toContain('edited')
    expect((await home(bob)).find((s) => s.id === mine)?.content).toContain('edited')
    expect((await read<Status[]>(null, '/api/v1/timelines/tag/rywapi')).find((s) => s.id === mine)?.content).toContain('edited')
  })

  it('favourite, boost and reply: counted and flagged on the next read; undone likewise', async () => {
    await ok(bob.api('POST', `/api/v1/statuses/${mine}/favourite`))
    expect(await status(bob, mine)).toMatchObject({ favourites_count: 1, favourited: true })
    expect((await home(bob)).find((s) => s.id === mine)).toMatchObject({ favourites_count: 1, favourited: true })
    const boost = await ok(bob.api('POST', `/api/v1/statuses/${mine}/reblog`))
    expect(await status(bob, mine)).toMatchObject({ reblogs_count: 1, reblogged: true })
    expect(ids(await home(bob))).toContain(boost.id)
    expect(ids(await read(alice, `/api/v1/accounts/${bob.id}/statuses`))).toContain(boost.id)
    const reply = await ok(bob.api('POST', '/api/v1/statuses', { status: '@alice a reply', in_reply_to_id: mine }))
    expect((await status(alice, mine)).replies_count).toBe(1)
    expect(ids((await read<{ descendants: Status[] }>(alice, `/api/v1/statuses/${mine}/context`)).descendants)).toContain(reply.id)

    await ok(bob.api('POST', `/api/v1/statuses/${mine}/unfavourite`))
    expect(await status(bob, mine)).toMatchObject({ favourites_count: 0, favourited: false })
    await ok(bob.api('POST', `/api/v1/statuses/${mine}/unreblog`))
    expect(await status(bob, mine)).toMatchObject({ reblogs_count: 0, reblogged: false })
    expect(ids(await home(bob))).not.toContain(boost.id)
    expect((await ok(bob.api('DELETE', `/api/v1/statuses/${reply.id}`))).id).toBe(reply.id)
    expect((await status(alice, mine)).replies_count).toBe(0)
  })

  it('delete: gone from every timeline, uncounted', async () => {
    const before = (await account(alice.id)).statuses_count
    await ok(alice.api('DELETE', `/api/v1/statuses/${mine}`))
    expect((await bob.api('GET', `/api/v1/statuses/${mine}`)).status).toBe(404)
    expect(await timelines(bob, alice.id, 'rywapi', true)).toEqual(nowhere(mine))
    expect((await account(alice.id)).statuses_count).toBe(before - 1)
  })

  it('unfollow: counts at once and the posts leave home', async () => {
    const theirs = (await ok(alice.api('POST', '/api/v1/statuses', { status: 'for followers' }))).id
    expect(ids(await home(bob))).toContain(theirs)
    const [a0, b0] = [await account(alice.id), await account(bob.id)]
    await ok(bob.api('POST', `/api/v1/accounts/${alice.id}/unfollow`))
    expect(ids(await home(bob))).not.toContain(theirs)
    expect((await account(alice.id)).followers_count).toBe(a0.followers_count - 1)
    expect((await account(bob.id)).following_count).toBe(b0.following_count - 1)
  })
})

describe('read-your-writes through the consumer (federated activities)', () => {
  const noteUri = `${ACTOR}/statuses/1`
  let note = ''
  let target = ''
  let targetUri = ''

  beforeAll(async () => {
    // bob follows the remote account (its Accept is not what this file tests).
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('990000000000000900', ?, ?)").bind(bob.id, REMOTE_ID).run()
    const t = await ok(alice.api('POST', '/api/v1/statuses', { status: 'a local post the remote account acts on' }))
    target = t.id
    targetUri = (t as unknown as { uri: string }).uri
  })

  it('Create: on every timeline of a local follower and counted', async () => {
    const before = (await account(REMOTE_ID)).statuses_count
    const object = { id: noteUri, type: 'Note', attributedTo: ACTOR, content: '<p>from afar #rywfed</p>', to: [PUBLIC], cc: [`${ACTOR}/followers`], published: new Date().toISOString(), tag: [{ type: 'Hashtag', name: '#rywfed' }] }
    await federate({ type: 'Create', to: [PUBLIC], cc: [`${ACTOR}/followers`], object })
    note = await statusIdOfUri(noteUri)
    expect(await timelines(bob, REMOTE_ID, 'rywfed', false)).toEqual(everywhere(note))
    expect((await status(bob, note)).content).toContain('from afar')
    expect((await account(REMOTE_ID)).statuses_count).toBe(before + 1)
  })

  it('Update: the edit on the next read', async () => {
    const object = { id: noteUri, type: 'Note', attributedTo: ACTOR, content: '<p>edited afar #rywfed</p>', to: [PUBLIC], updated: new Date(Date.now() + 1000).toISOString(), tag: [{ type: 'Hashtag', name: '#rywfed' }] }
    await federate({ type: 'Update', to: [PUBLIC], object })
    expect((await status(bob, note)).content).toContain('edited afar')
    expect((await home(bob)).find((s) => s.id === note)?.content).toContain('edited afar')
  })

  it('Like, Announce and a reply: counted on the next read; their Undo too', async () => {
    const likeId = `${ACTOR}#likes/${++seq}`
    await federate({ id: likeId, type: 'Like', object: targetUri })
    expect((await status(alice, target)).favourites_count).toBe(1)
    const announceId = `${ACTOR}#announces/${++seq}`
    await federate({ id: announceId, type: 'Announce', object: targetUri, to: [PUBLIC], cc: [`${ACTOR}/followers`] })
    expect((await status(alice, target)).reblogs_count).toBe(1)
    const boost = await statusIdOfUri(announceId)
    expect(ids(await home(bob))).toContain(boost)
    const replyUri = `${ACTOR}/statuses/2`
    await federate({ type: 'Create', to: [PUBLIC], object: { id: replyUri, type: 'Note', attributedTo: ACTOR, inReplyTo: targetUri, content: '<p>a reply</p>', to: [PUBLIC] } })
    expect((await status(alice, target)).replies_count).toBe(1)

    await federate({ type: 'Undo', object: { id: likeId, type: 'Like', actor: ACTOR, object: targetUri } })
    expect((await status(alice, target)).favourites_count).toBe(0)
    await federate({ type: 'Undo', object: { id: announceId, type: 'Announce', actor: ACTOR, object: targetUri } })
    expect((await status(alice, target)).reblogs_count).toBe(0)
    expect(ids(await home(bob))).not.toContain(boost)
    await federate({ type: 'Delete', object: { id: replyUri, type: 'Tombstone' } })
    expect((await status(alice, target)).replies_count).toBe(0)
  })

  it('Follow and Undo Follow: the local account’s followers_count at once', async () => {
    const before = (await account(alice.id)).followers_count
    const followId = `${ACTOR}#follows/${++seq}`
    const aliceUri = (await stack.db.prepare('SELECT uri FROM accounts WHERE id = ?').bind(alice.id).first<{ uri: string }>())?.uri
    await federate({ id: followId, type: 'Follow', object: aliceUri })
    expect((await account(alice.id)).followers_count).toBe(before + 1)
    await federate({ type: 'Undo', object: { id: followId, type: 'Follow', actor: ACTOR, object: aliceUri } })
    expect((await account(alice.id)).followers_count).toBe(before)
  })

  it('Delete: gone from every timeline, uncounted', async () => {
    const before = (await account(REMOTE_ID)).statuses_count
    await federate({ type: 'Delete', object: { id: noteUri, type: 'Tombstone' } })
    expect((await bob.api('GET', `/api/v1/statuses/${note}`)).status).toBe(404)
    expect(await timelines(bob, REMOTE_ID, 'rywfed', false)).toEqual(nowhere(note))
    expect((await account(REMOTE_ID)).statuses_count).toBe(before - 1)
  })
})
