// The cache on the inbox's path (backend/federation/intake-cache.ts): a remote sender's key and its
// host's suspension are read from D1 once, then from the cache; every writer of either invalidates
// before it answers (a key refreshed by an Update, a domain block), and a stack whose cache is down
// still answers every read correctly from D1.
import { createHash, createSign, generateKeyPairSync } from 'node:crypto'
import { eventually, startStack, type Stack } from '../helpers/stack'
import { people } from '../helpers/api'

const HOST = 'cache-remote.example'
const ACTOR = `https://${HOST}/users/sender`
const KEY_ID = `${ACTOR}#main-key`
const pemOf = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) => k.export({ type: 'spki', format: 'pem' }).toString()

function keys() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
}
let signer = keys()
let seq = 0

async function seedSender(stack: Stack): Promise<void> {
  await stack.db
    .prepare(
      `INSERT INTO accounts (id, username, domain, uri, url, inbox_url, key_id, public_key_pem, fetched_at) VALUES ('990000000000000001', 'sender', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(HOST, ACTOR, ACTOR, `${ACTOR}/inbox`, KEY_ID, pemOf(signer.publicKey), new Date().toISOString())
    .run()
}

/** An activity from the sender, signed in Node as Mastodon signs (draft-cavage), POSTed to the shared inbox. */
async function deliver(stack: Stack, activity: Record<string, unknown>, key = signer.privateKey): Promise<Response> {
  const url = new URL('/inbox', stack.url)
  const body = JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', actor: ACTOR, ...activity })
  const date = new Date().toUTCString()
  const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`
  const base = `(request-target): post /inbox\nhost: ${url.host}\ndate: ${date}\ndigest: ${digest}`
  const signature = createSign('RSA-SHA256').update(base).sign(key, 'base64')
  return stack.fetch('/inbox', {
    method: 'POST',
    headers: { 'content-type': 'application/activity+json', date, digest, signature: `keyId="${KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"` },
    body,
  })
}
const like = () => ({ id: `${ACTOR}#likes/${++seq}`, type: 'Like', object: `https://${HOST}/statuses/1` })
const cost = (res: Response) => ({ status: res.status, rows: Number(res.headers.get('x-herd-d1-rows-read')), queries: Number(res.headers.get('x-herd-d1-queries')) })

describe('the inbox reads the sender’s key and suspension through the cache', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
    await seedSender(stack)
  }, 120_000)
  afterAll(async () => {
    await stack?.dispose()
  })

  it('reads D1 once, then nothing', async () => {
    const first = cost(await deliver(stack, like()))
    const second = cost(await deliver(stack, like()))
    console.log(`inbox intake: first ${first.rows} rows in ${first.queries} queries, then ${second.rows} rows in ${second.queries} queries`)
    expect(first.status).toBe(202)
    expect(first.queries).toBeGreaterThanOrEqual(1)
    expect(second).toEqual({ status: 202, rows: 0, queries: 0 })
  })

  it('a key rotated by the actor’s Update verifies at once; the old one is refused', async () => {
    const old = signer
    const rotated = keys()
    const update = { id: `${ACTOR}#updates/${++seq}`, type: 'Update', object: { id: ACTOR, type: 'Person', preferredUsername: 'sender', inbox: `${ACTOR}/inbox`, publicKey: { id: KEY_ID, owner: ACTOR, publicKeyPem: pemOf(rotated.publicKey) } } }
    expect((await deliver(stack, update)).status).toBe(202)
    // The consumer acks after its handler ran, the invalidation included.
    await eventually(() => stack.db.prepare('SELECT uri FROM processed_activities WHERE uri = ?').bind(update.id).first(), 'the Update processed', 300)
    signer = rotated
    expect((await deliver(stack, like())).status).toBe(202)
    // The old key fails, the refetch of the actor is refused (not a host we may fetch): 401.
    expect((await deliver(stack, like(), old.privateKey)).status).toBe(401)
  })

  it('a domain suspension refuses the next activity; lifting it accepts the one after', async () => {
    expect((await deliver(stack, like())).status).toBe(202)
    const block = await stack.harness('/admin/domain-block', { method: 'POST', body: JSON.stringify({ domain: HOST, severity: 'suspend' }) })
    expect(block.status).toBe(200)
    const refused = await deliver(stack, like())
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({ error: 'This instance does not accept activities from your domain' })
    await stack.harness('/admin/domain-block', { method: 'POST', body: JSON.stringify({ domain: HOST, remove: true }) })
    expect((await deliver(stack, like())).status).toBe(202)
  })
})

describe('with the cache down', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({ brokenCache: true })
    signer = keys()
    await seedSender(stack)
  }, 120_000)
  afterAll(async () => {
    await stack?.dispose()
  })

  it('every read still answers, from D1', async () => {
    const { alice, others } = await people(stack, 'bob')
    const [bob] = others
    expect((await bob.api('POST', `/api/v1/accounts/${alice.id}/follow`)).status).toBe(200)
    const posted = await alice.api('POST', '/api/v1/statuses', { status: 'still here #down' })
    expect(posted.status).toBe(200)
    const id = posted.body.id as string
    expect((await bob.api('POST', `/api/v1/statuses/${id}/favourite`)).status).toBe(200)

    expect((await bob.api('GET', '/api/v1/timelines/home')).body.map((s: { id: string }) => s.id)).toContain(id)
    expect((await bob.api('GET', '/api/v1/timelines/public')).body.map((s: { id: string }) => s.id)).toContain(id)
    expect((await bob.api('GET', '/api/v1/timelines/tag/down')).body.map((s: { id: string }) => s.id)).toContain(id)
    expect((await bob.api('GET', `/api/v1/statuses/${id}`)).body).toMatchObject({ id, favourites_count: 1, favourited: true })
    expect((await bob.api('GET', `/api/v1/accounts/${alice.id}`)).body).toMatchObject({ statuses_count: 1, followers_count: 1 })
    const v1 = await stack.fetch('/api/v1/instance')
    expect(v1.status).toBe(200)
    expect(((await v1.json()) as { stats: { user_count: number } }).stats.user_count).toBe(2)
    expect((await stack.fetch('/api/v2/instance')).status).toBe(200)
    // The inbox verifies from D1 and queues.
    expect((await deliver(stack, like())).status).toBe(202)
    // A write that cannot invalidate what the inbox caches is refused, with nothing stored.
    const block = await stack.harness('/admin/domain-block', { method: 'POST', body: JSON.stringify({ domain: HOST, severity: 'suspend' }) })
    expect(block.status).toBe(500)
    expect(await stack.db.prepare('SELECT count(*) AS n FROM instance_domain_blocks').first<{ n: number }>()).toEqual({ n: 0 })
  })
})
