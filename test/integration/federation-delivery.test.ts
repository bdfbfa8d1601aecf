// Outbound federation through the real queue: federate messages fan out to fake remote inboxes on
// loopback (allowed by HERD_DEV_ALLOW_HOSTS), which check every signature as a Mastodon peer would.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chooseUsername, signIn, userToken } from '../helpers/auth'
import { eventually, startStack, TEST_KEK, type Stack } from '../helpers/stack'
import { verifyRequest } from '../../backend/federation/signatures'
import { handleBatch } from '../../backend/queue/consumer'
import type { Env } from '../../backend/env'
import { hostsToSkip, recordPeerFailure } from '../../backend/federation/outbound/peers'

interface Received {
  path: string
  headers: Record<string, string>
  body: string
}

/** A fake remote server: records every POST and answers by path. */
class FakePeer {
  readonly posts: Received[] = []
  readonly gets: Received[] = []
  /** Deliveries the receiver acknowledged (2xx), by activity id: more than one would be a double delivery. */
  readonly accepted = new Map<string, number>()
  private flakyFailures = 2
  server: Server
  port = 0

  constructor() {
    this.server = createServer((req, res) => void this.handle(req).then(([status, body]) => res.writeHead(status, { 'content-type': 'application/activity+json' }).end(body)))
  }

  private async handle(req: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]))
    if (req.method === 'GET') {
      this.gets.push({ path: req.url ?? '', headers, body })
      return [200, JSON.stringify({ id: `${this.origin}${req.url}`, type: 'Person' })]
    }
    this.posts.push({ path: req.url ?? '', headers, body })
    if (req.url === '/gone/inbox') return [410, 'Gone']
    if (req.url === '/flaky/inbox' && this.flakyFailures > 0) {
      this.flakyFailures--
      return [500, 'try later']
    }
    const id = String((JSON.parse(body) as { id?: unknown }).id)
    this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1)
    return [202, '']
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.port = (this.server.address() as AddressInfo).port
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`
  }

  postsTo(path: string): Received[] {
    return this.posts.filter((p) => p.path === path)
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()))
  }
}

const INSTANCES = 100
const PER_INSTANCE = 10

let stack: Stack
/** 100 instances behind one loopback port, told apart by path; plus the flaky and gone inboxes. */
const peers = new FakePeer()
/** A host marked unreachable. */
const down = new FakePeer()
/** A loopback host the development setting does not list: must be refused. */
const unlisted = new FakePeer()
let alice: { id: string; uri: string; public_key_pem: string }

async function sql(query: string, ...params: unknown[]): Promise<void> {
  await stack.db.prepare(query).bind(...params).run()
}

async function enqueue(message: Record<string, unknown>): Promise<void> {
  const res = await stack.harness('/queue/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
  expect(res.status).toBe(200)
}

async function remoteAccount(id: string, username: string, inbox: string, sharedInbox: string | null = null): Promise<void> {
  await sql(
    "INSERT INTO accounts (id, username, domain, uri, inbox_url, shared_inbox_url) VALUES (?, ?, ?, ?, ?, ?)",
    id,
    username,
    new URL(inbox).host,
    `${new URL(inbox).origin}/users/${username}`,
    inbox,
    sharedInbox,
  )
}

async function verified(post: Received, origin: string, method = 'POST'): Promise<string> {
  const request = new Request(origin + post.path, { method, headers: post.headers, body: method === 'GET' ? null : post.body })
  const result = await verifyRequest(request, new TextEncoder().encode(post.body), async (keyId) =>
    keyId === `${alice.uri}#main-key` ? { publicKeyPem: alice.public_key_pem, ownerId: alice.uri } : null,
  )
  return `${result.format} ${result.keyId} ${result.components.join(' ')}`
}

beforeAll(async () => {
  await Promise.all([peers.listen(), down.listen(), unlisted.listen()])
  stack = await startStack({ bindings: { HERD_DEV_ALLOW_HOSTS: `127.0.0.1:${peers.port},127.0.0.1:${down.port}` } })
  const { browser } = await signIn(stack, 'alice@example.com', 'correct horse battery')
  expect((await chooseUsername(browser, 'alice')).status).toBe(303)
  alice = (await stack.db.prepare("SELECT id, uri, public_key_pem FROM accounts WHERE username = 'alice' AND domain = ''").first())!
  // 1,000 remote followers on 100 instances, each instance with a shared inbox.
  await sql(
    `WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < ${INSTANCES * PER_INSTANCE - 1})
     INSERT INTO accounts (id, username, domain, uri, inbox_url, shared_inbox_url)
     SELECT printf('%d', 500000 + v), 'f' || v, 'i' || (v / ${PER_INSTANCE}) || '.example', ?1 || '/i/' || (v / ${PER_INSTANCE}) || '/users/f' || v,
            ?1 || '/i/' || (v / ${PER_INSTANCE}) || '/users/f' || v || '/inbox', ?1 || '/i/' || (v / ${PER_INSTANCE}) || '/inbox'
       FROM n`,
    peers.origin,
  )
  await sql(
    `INSERT INTO follows (id, account_id, target_account_id, state) SELECT printf('%d', 700000 + CAST(id AS INTEGER)), id, ?, 'accepted' FROM accounts WHERE id >= '500000' AND id < '501000'`,
    alice.id,
  )
  // A follower on a host that has failed for days: it must be skipped.
  await remoteAccount('600001', 'downer', `${down.origin}/inbox`)
  await sql("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('600101', '600001', ?, 'accepted')", alice.id)
  const now = Date.now()
  await sql(
    'INSERT INTO peers (domain, first_failure_at, last_failure_at, failures, unreachable) VALUES (?, ?, ?, 40, 1)',
    `127.0.0.1:${down.port}`,
    new Date(now - 5 * 86400_000).toISOString(),
    new Date(now - 60_000).toISOString(),
  )
  // Targets of one-to-one activities.
  await remoteAccount('600002', 'flaky', `${peers.origin}/flaky/inbox`)
  await remoteAccount('600003', 'gone', `${peers.origin}/gone/inbox`)
  await remoteAccount('600004', 'hidden', `${unlisted.origin}/inbox`)
  await remoteAccount('600005', 'private', 'https://10.1.2.3/inbox')
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
  await Promise.all([peers.close(), down.close(), unlisted.close()])
})

describe('fan-out of one post to 1,000 followers on 100 instances', () => {
  const statusId = '113500000000000001'
  let statusUri: string

  it('makes exactly one signed POST per shared inbox, and a repeated fan-out adds none', async () => {
    statusUri = `${alice.uri}/statuses/${statusId}`
    await sql(
      "INSERT INTO statuses (id, uri, account_id, local, visibility, content, text) VALUES (?, ?, ?, 1, 'public', '<p>Hello, fediverse</p>', 'Hello, fediverse')",
      statusId,
      statusUri,
      alice.id,
    )
    const create = { type: 'federate', action: 'create', actorId: alice.id, objectId: statusId }
    await enqueue(create)
    await enqueue(create)
    await eventually(async () => peers.posts.filter((p) => /^\/i\/\d+\/inbox$/.test(p.path)).length >= INSTANCES, '100 deliveries', 300)
    // A later activity to one of the same instances: by the time it lands, the duplicate has been handled.
    await sql("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('800001', ?, '500000', 'pending')", alice.id)
    await enqueue({ type: 'federate', action: 'follow', actorId: alice.id, objectId: '800001' })
    await eventually(async () => peers.postsTo('/i/0/users/f0/inbox').length === 1, 'the follow', 300)

    const creates = peers.posts.filter((p) => /^\/i\/\d+\/inbox$/.test(p.path))
    expect(creates).toHaveLength(INSTANCES)
    expect(new Set(creates.map((p) => p.path)).size).toBe(INSTANCES)
    expect(peers.accepted.get(`${statusUri}/activity`)).toBe(INSTANCES)
    expect(down.posts).toHaveLength(0)
    const fanout = await stack.db.prepare('SELECT inboxes, enqueued FROM outbound_fanouts WHERE activity_id = ?').bind(`${statusUri}/activity`).first()
    expect(fanout).toEqual({ inboxes: INSTANCES, enqueued: INSTANCES })
  })

  it('each POST is a Create of the Note, signed by alice over (request-target) host date digest', async () => {
    const creates = peers.posts.filter((p) => /^\/i\/\d+\/inbox$/.test(p.path))
    for (const post of creates) {
      expect(post.headers['content-type']).toBe('application/activity+json')
      expect(await verified(post, peers.origin)).toBe(`cavage ${alice.uri}#main-key @request-target host date digest`)
      const activity = JSON.parse(post.body) as Record<string, unknown> & { object: Record<string, unknown> }
      expect(activity).toMatchObject({ id: `${statusUri}/activity`, type: 'Create', actor: alice.uri, to: ['https://www.w3.org/ns/activitystreams#Public'] })
      expect(activity.object).toMatchObject({ id: statusUri, type: 'Note', attributedTo: alice.uri, content: '<p>Hello, fediverse</p>' })
    }
    // A tampered body fails the same check: the verification above can fail.
    const [first] = creates
    await expect(verified({ ...first!, body: first!.body.replace('Hello', 'Howdy') }, peers.origin)).rejects.toThrow(/Digest/)
  })
})

describe('delivery failures', () => {
  it('a permanent 4xx is recorded as a dead letter and not retried', async () => {
    await sql("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('800003', ?, '600003', 'pending')", alice.id)
    await enqueue({ type: 'federate', action: 'follow', actorId: alice.id, objectId: '800003' })
    const letter = await eventually(
      () => stack.db.prepare("SELECT kind, reason, attempts, body FROM dead_letters WHERE target = ?").bind(`${peers.origin}/gone/inbox`).first<Record<string, string | number>>(),
      'the dead letter',
    )
    expect(letter).toMatchObject({ kind: 'permanent', reason: 'HTTP 410', attempts: 1 })
    expect(peers.postsTo('/gone/inbox')).toHaveLength(1)
  })

  it('private and loopback targets outside the development setting are refused, nothing sent', async () => {
    await sql("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('800004', ?, '600004', 'pending'), ('800005', ?, '600005', 'pending')", alice.id, alice.id)
    await enqueue({ type: 'federate', action: 'follow', actorId: alice.id, objectId: '800004' })
    await enqueue({ type: 'federate', action: 'follow', actorId: alice.id, objectId: '800005' })
    const letters = await eventually(async () => {
      const rows = (await stack.db.prepare("SELECT target, reason FROM dead_letters WHERE target IN (?, ?) ORDER BY target").bind(`${unlisted.origin}/inbox`, 'https://10.1.2.3/inbox').all()).results
      return rows.length === 2 ? rows : null
    }, 'both refusals')
    expect(letters).toEqual([
      { target: `${unlisted.origin}/inbox`, reason: expect.stringContaining('only https is allowed') },
      { target: 'https://10.1.2.3/inbox', reason: expect.stringContaining('private address') },
    ])
    expect(unlisted.posts).toHaveLength(0)
  })

  it('a failing inbox (500, 500, then 202) is retried with backoff and the receiver gets the activity once', async () => {
    await sql("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('800002', ?, '600002', 'pending')", alice.id)
    const followId = `${alice.uri}#follows/800002`
    await enqueue({ type: 'federate', action: 'follow', actorId: alice.id, objectId: '800002' })
    await eventually(async () => peers.accepted.has(followId), 'the retried delivery', 900)
    const attempts = peers.postsTo('/flaky/inbox')
    expect(attempts).toHaveLength(3)
    // Every attempt is the same activity, freshly signed.
    expect(new Set(attempts.map((p) => p.body)).size).toBe(1)
    for (const a of attempts) expect(await verified(a, peers.origin)).toMatch(/^cavage /)
    expect(JSON.parse(attempts[0]!.body)).toMatchObject({ id: followId, type: 'Follow', actor: alice.uri, object: `${peers.origin}/users/flaky` })
    expect(peers.accepted.get(followId)).toBe(1)
    // The host answered in the end: its failures are cleared and it is not unreachable.
    const health = await stack.db.prepare('SELECT failures, unreachable, first_failure_at, last_success_at FROM peers WHERE domain = ?').bind(`127.0.0.1:${peers.port}`).first()
    expect(health).toMatchObject({ failures: 0, unreachable: 0, first_failure_at: null, last_success_at: expect.any(String) })
    // Meanwhile (over 30 s of backoff) the 410 was never retried.
    expect(peers.postsTo('/gone/inbox')).toHaveLength(1)
  }, 120_000)

  it('queued deliveries carry the activity and ids, never key material', async () => {
    const rows = (await stack.db.prepare("SELECT body FROM dead_letters WHERE message_type = 'deliver'").all<{ body: string }>()).results
    expect(rows.length).toBeGreaterThanOrEqual(3)
    const sealed = (await stack.db.prepare('SELECT private_key_encrypted FROM account_keys WHERE account_id = ?').bind(alice.id).first<{ private_key_encrypted: string }>())!
    for (const { body } of rows) {
      const message = JSON.parse(body) as Record<string, unknown>
      expect(Object.keys(message).sort()).toEqual(['activity', 'activityId', 'actorId', 'inbox', 'type'])
      expect(body).not.toContain('PRIVATE KEY')
      expect(body).not.toContain(sealed.private_key_encrypted)
      expect(body).not.toContain(TEST_KEK)
    }
  })
})

describe('every federated action builds its activity and reaches the right inbox', () => {
  const BOB = '600006'
  const bobInbox = '/b/users/bob/inbox'
  const remoteStatus = '113500000000000100'
  const edited = '113500000000000001'
  let bobUri: string
  let editedUri: string

  /** The first POST to `path` of an activity with this type and id that verifies as alice's. */
  async function received(path: string, id: string): Promise<Record<string, unknown>> {
    const post = await eventually(async () => peers.postsTo(path).find((p) => (JSON.parse(p.body) as { id: string }).id === id), `${id} at ${path}`, 300)
    expect(await verified(post, peers.origin)).toMatch(/^cavage /)
    return JSON.parse(post.body) as Record<string, unknown>
  }

  beforeAll(async () => {
    await remoteAccount(BOB, 'bob', `${peers.origin}${bobInbox}`)
    bobUri = `${peers.origin}/users/bob`
    editedUri = `${alice.uri}/statuses/${edited}`
    await sql("INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES (?, ?, ?, 0, 'public', '<p>bob says</p>')", remoteStatus, `${peers.origin}/b/statuses/1`, BOB)
  })

  it('Update of an edited Note goes to the followers with the new content', async () => {
    await sql("UPDATE statuses SET content = '<p>Hello, edited</p>', edited_at = '2026-11-23T10:00:00.000Z' WHERE id = ?", edited)
    await enqueue({ type: 'federate', action: 'update', actorId: alice.id, objectId: edited })
    const update = await received('/i/0/inbox', `${editedUri}#updates/${Date.parse('2026-11-23T10:00:00.000Z')}`)
    expect(update).toMatchObject({ type: 'Update', actor: alice.uri, object: { id: editedUri, type: 'Note', content: '<p>Hello, edited</p>' } })
  })

  it('Announce and its Undo reach the followers and the original author', async () => {
    const reblogUri = `${alice.uri}/statuses/113500000000000200`
    await sql("INSERT INTO statuses (id, uri, account_id, local, visibility, reblog_of_id) VALUES ('113500000000000200', ?, ?, 1, 'public', ?)", reblogUri, alice.id, remoteStatus)
    await enqueue({ type: 'federate', action: 'announce', actorId: alice.id, objectId: '113500000000000200' })
    const announce = await received(bobInbox, `${reblogUri}/activity`)
    expect(announce).toMatchObject({ type: 'Announce', actor: alice.uri, object: `${peers.origin}/b/statuses/1` })
    await received('/i/7/inbox', `${reblogUri}/activity`)
    await enqueue({ type: 'federate', action: 'undo-announce', actorId: alice.id, activityUri: `${reblogUri}/activity`, objectUri: `${peers.origin}/b/statuses/1`, targetAccountIds: [BOB] })
    const undo = await received(bobInbox, `${reblogUri}/activity/undo`)
    expect(undo).toMatchObject({ type: 'Undo', actor: alice.uri, object: { id: `${reblogUri}/activity`, type: 'Announce', object: `${peers.origin}/b/statuses/1` } })
  })

  it('Like and its Undo go to the author only', async () => {
    await sql("INSERT INTO favourites (id, account_id, status_id) VALUES ('800010', ?, ?)", alice.id, remoteStatus)
    await enqueue({ type: 'federate', action: 'like', actorId: alice.id, objectId: '800010' })
    const likeId = `${alice.uri}#likes/800010`
    expect(await received(bobInbox, likeId)).toMatchObject({ type: 'Like', actor: alice.uri, object: `${peers.origin}/b/statuses/1` })
    await enqueue({ type: 'federate', action: 'undo-like', actorId: alice.id, activityUri: likeId, objectUri: `${peers.origin}/b/statuses/1`, targetAccountIds: [BOB] })
    expect(await received(bobInbox, `${likeId}/undo`)).toMatchObject({ type: 'Undo', object: { id: likeId, type: 'Like', object: `${peers.origin}/b/statuses/1` } })
    expect(peers.postsTo('/i/0/inbox').some((p) => p.body.includes(likeId))).toBe(false)
  })

  it('Block and its Undo, and the Undo of a Follow, go to the target', async () => {
    await sql("INSERT INTO blocks (id, account_id, target_account_id) VALUES ('800020', ?, ?)", alice.id, BOB)
    await enqueue({ type: 'federate', action: 'block', actorId: alice.id, objectId: '800020' })
    const blockId = `${alice.uri}#blocks/800020`
    expect(await received(bobInbox, blockId)).toMatchObject({ type: 'Block', actor: alice.uri, object: bobUri })
    await enqueue({ type: 'federate', action: 'undo-block', actorId: alice.id, activityUri: blockId, targetAccountIds: [BOB] })
    expect(await received(bobInbox, `${blockId}/undo`)).toMatchObject({ type: 'Undo', object: { id: blockId, type: 'Block', object: bobUri } })
    const followId = `${alice.uri}#follows/800001`
    await enqueue({ type: 'federate', action: 'undo-follow', actorId: alice.id, activityUri: followId, targetAccountIds: ['500000'] })
    expect(await received('/i/0/users/f0/inbox', `${followId}/undo`)).toMatchObject({ type: 'Undo', object: { id: followId, type: 'Follow', object: `${peers.origin}/i/0/users/f0` } })
  })

  it('Accept and Reject of remote follows echo the Follow', async () => {
    const bobFollow = `${peers.origin}/b/follows/1`
    await sql("INSERT INTO follows (id, account_id, target_account_id, uri, state) VALUES ('800030', ?, ?, ?, 'accepted')", BOB, alice.id, bobFollow)
    await enqueue({ type: 'federate', action: 'accept-follow', actorId: alice.id, objectId: '800030' })
    expect(await received(bobInbox, `${alice.uri}#accepts/follows/800030`)).toMatchObject({ type: 'Accept', actor: alice.uri, object: { id: bobFollow, type: 'Follow', actor: bobUri, object: alice.uri } })
    const rejected = `${peers.origin}/b/follows/2`
    await enqueue({ type: 'federate', action: 'reject-follow', actorId: alice.id, activityUri: rejected, targetAccountIds: [BOB] })
    const reject = await eventually(async () => peers.postsTo(bobInbox).map((p) => JSON.parse(p.body) as Record<string, unknown>).find((a) => a.type === 'Reject'), 'the Reject', 300)
    expect(reject).toMatchObject({ actor: alice.uri, object: { id: rejected, type: 'Follow', actor: bobUri, object: alice.uri } })
    expect(String(reject.id)).toMatch(new RegExp(`^${alice.uri}#rejects/[0-9a-f]{24}$`))
  })

  it('a forwarded report goes to the reported account\'s server as a Flag signed by the instance actor', async () => {
    await sql("INSERT INTO reports (id, account_id, target_account_id, status_ids, comment, forwarded) VALUES ('800040', ?, ?, ?, 'spam', 1)", alice.id, BOB, JSON.stringify([remoteStatus]))
    await enqueue({ type: 'federate', action: 'flag', actorId: alice.id, objectId: '800040' })
    const origin = new URL(alice.uri).origin
    const post = await eventually(async () => peers.postsTo(bobInbox).find((p) => (JSON.parse(p.body) as { type?: string }).type === 'Flag'), 'the Flag', 300)
    expect(JSON.parse(post.body)).toMatchObject({ id: `${origin}/actor#flags/800040`, type: 'Flag', actor: `${origin}/actor`, content: 'spam', object: [bobUri, `${peers.origin}/b/statuses/1`] })
    expect(post.body).not.toContain(alice.uri)
    const instance = (await stack.db.prepare('SELECT uri, public_key_pem FROM instance_actor').first<{ uri: string; public_key_pem: string }>())!
    const request = new Request(peers.origin + post.path, { method: 'POST', headers: post.headers, body: post.body })
    const result = await verifyRequest(request, new TextEncoder().encode(post.body), async (keyId) =>
      keyId === `${instance.uri}#main-key` ? { publicKeyPem: instance.public_key_pem, ownerId: instance.uri } : null,
    )
    expect(result.keyId).toBe(`${origin}/actor#main-key`)
  })

  it('nothing is delivered to a suspended server', async () => {
    await sql("INSERT INTO instance_domain_blocks (domain, severity) VALUES ('i5.example', 'suspend')")
    const id = '113500000000000400'
    const uri = `${alice.uri}/statuses/${id}`
    await sql("INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES (?, ?, ?, 1, 'public', '<p>not for i5</p>')", id, uri, alice.id)
    await enqueue({ type: 'federate', action: 'create', actorId: alice.id, objectId: id })
    await received('/i/4/inbox', `${uri}/activity`)
    const fanout = await stack.db.prepare('SELECT inboxes FROM outbound_fanouts WHERE activity_id = ?').bind(`${uri}/activity`).first<{ inboxes: number }>()
    // 100 shared inboxes and bob's inbox, less i5's.
    expect(fanout?.inboxes).toBe(INSTANCES)
    await eventually(async () => peers.posts.filter((p) => p.body.includes(`${uri}/activity`)).length === INSTANCES, 'every other delivery', 300)
    expect(peers.postsTo('/i/5/inbox').some((p) => p.body.includes(uri))).toBe(false)
    await sql("DELETE FROM instance_domain_blocks WHERE domain = 'i5.example'")
  })

  it('Delete sends a Tombstone, and Update of the Person carries the actor document', async () => {
    await enqueue({ type: 'federate', action: 'delete', actorId: alice.id, objectUri: editedUri, targetAccountIds: [] })
    expect(await received('/i/3/inbox', `${editedUri}#delete`)).toMatchObject({ type: 'Delete', actor: alice.uri, object: { id: editedUri, type: 'Tombstone' } })
    // Bob follows alice now (accepted above), through his own inbox: he gets the followers' activities too.
    await received(bobInbox, `${editedUri}#delete`)
    const updatedAt = (await stack.db.prepare('SELECT updated_at FROM accounts WHERE id = ?').bind(alice.id).first<{ updated_at: string }>())!.updated_at
    await enqueue({ type: 'federate', action: 'update-actor', actorId: alice.id })
    const update = await received('/i/9/inbox', `${alice.uri}#updates/${Date.parse(updatedAt)}`)
    expect(update).toMatchObject({ type: 'Update', actor: alice.uri, object: { id: alice.uri, type: 'Person', inbox: `${alice.uri}/inbox`, publicKey: { id: `${alice.uri}#main-key`, owner: alice.uri } } })
    expect(update.object).not.toHaveProperty('@context')
  })

  it('changing the profile through the client API sends the followers an Update of the Person', async () => {
    const { token } = await userToken(stack, 'alice', 'read write')
    const res = await stack.fetch('/api/v1/accounts/update_credentials', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ display_name: 'Alice of the Meadow' }),
    })
    expect(res.status).toBe(200)
    const updatedAt = (await stack.db.prepare('SELECT updated_at FROM accounts WHERE id = ?').bind(alice.id).first<{ updated_at: string }>())!.updated_at
    const update = await received(bobInbox, `${alice.uri}#updates/${Date.parse(updatedAt)}`)
    expect(update).toMatchObject({ type: 'Update', actor: alice.uri, object: { id: alice.uri, type: 'Person', name: 'Alice of the Meadow' } })
  })
})

describe('signed GET and the dead-letter queue', () => {
  it('a signed GET carries alice\'s signature over (request-target) host date, and is refused outside the setting', async () => {
    const get = (url: string) => stack.harness('/federation/signed-get', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: alice.id, url }) })
    const res = await get(`${peers.origin}/users/someone`)
    expect(await res.json()).toEqual({ status: 200, body: JSON.stringify({ id: `${peers.origin}/users/someone`, type: 'Person' }) })
    const [request] = peers.gets
    expect(request!.headers.accept).toContain('application/activity+json')
    expect(await verified(request!, peers.origin, 'GET')).toBe(`cavage ${alice.uri}#main-key @request-target host date`)
    const refused = await get(`${unlisted.origin}/users/someone`)
    expect(refused.status).toBe(500)
    expect(unlisted.gets).toHaveLength(0)
  })

  it('messages that exhausted their retries are recorded from the dead-letter queue', async () => {
    const body = { type: 'deliver', actorId: alice.id, inbox: 'https://dead.example/inbox', activityId: 'https://x.example/a/1', activity: '{}' }
    const acked: string[] = []
    const message = { id: 'm1', timestamp: new Date(), body, attempts: 9, ack: () => acked.push('m1'), retry: () => undefined }
    await handleBatch({ queue: 'herd-dlq', messages: [message], ackAll: () => undefined, retryAll: () => undefined } as unknown as MessageBatch<unknown>, { DB: stack.db } as Env)
    expect(acked).toEqual(['m1'])
    const row = await stack.db.prepare("SELECT kind, message_type, activity_id, target, attempts, body FROM dead_letters WHERE target = 'https://dead.example/inbox'").first()
    expect(row).toEqual({ kind: 'exhausted', message_type: 'deliver', activity_id: 'https://x.example/a/1', target: 'https://dead.example/inbox', attempts: 9, body: JSON.stringify(body) })
  })
})

describe('an unreachable host comes back', () => {
  it('a host is marked unreachable only after failing for more than three days, and skipped until a daily probe', async () => {
    const now = Date.now()
    await sql("INSERT INTO peers (domain, first_failure_at, last_failure_at, failures) VALUES ('old.example', ?, ?, 30)", new Date(now - 4 * 86400_000).toISOString(), new Date(now - 3600_000).toISOString())
    await recordPeerFailure(stack.db, 'old.example', now)
    await recordPeerFailure(stack.db, 'new.example', now)
    await recordPeerFailure(stack.db, 'new.example', now + 2 * 86400_000)
    const rows = (await stack.db.prepare("SELECT domain, failures, unreachable FROM peers WHERE domain IN ('old.example', 'new.example') ORDER BY domain").all()).results
    expect(rows).toEqual([
      { domain: 'new.example', failures: 2, unreachable: 0 },
      { domain: 'old.example', failures: 31, unreachable: 1 },
    ])
    expect((await hostsToSkip(stack.db, now)).has('old.example')).toBe(true)
    // A day after its last attempt it gets one delivery as a probe.
    expect((await hostsToSkip(stack.db, now + 86400_000 + 1000)).has('old.example')).toBe(false)
  })

  it('an inbound activity from it clears the mark, and deliveries to it resume', async () => {
    const host = `127.0.0.1:${down.port}`
    const signer = `${down.origin}/users/downer`
    await enqueue({ type: 'inbox', signer, origin: 'http://herd.test', activity: { id: `${down.origin}/flags/1`, type: 'Flag', actor: signer, object: alice.uri } })
    const health = await eventually(
      () => stack.db.prepare('SELECT unreachable, failures, first_failure_at FROM peers WHERE domain = ? AND unreachable = 0').bind(host).first(),
      'the cleared mark',
    )
    expect(health).toEqual({ unreachable: 0, failures: 0, first_failure_at: null })
    await sql("INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES ('113500000000000300', ?, ?, 1, 'public', '<p>again</p>')", `${alice.uri}/statuses/113500000000000300`, alice.id)
    await enqueue({ type: 'federate', action: 'create', actorId: alice.id, objectId: '113500000000000300' })
    const post = await eventually(async () => down.posts.find((p) => p.path === '/inbox'), 'the delivery to the recovered host', 300)
    expect(JSON.parse(post.body)).toMatchObject({ id: `${alice.uri}/statuses/113500000000000300/activity`, type: 'Create' })
  })
})
