// Two Herd instances on loopback (the development setting on for each other's port only): discovery, actor
// documents and collections on A; activities from A's accounts signed with their stored keys and POSTed to
// B's inboxes, then B's state checked after its queue consumer ran.
import { eventually, freePort, startStack, type Stack } from '../helpers/stack'
import { userToken, registeredUserToken } from '../helpers/auth'

let a: Stack
let b: Stack
let A: string
let B: string
const ids: Record<string, string> = {}

async function stackPair(): Promise<void> {
  const [pa, pb] = [await freePort(), await freePort()]
  const allow = `127.0.0.1:${pa},127.0.0.1:${pb}`
  a = await startStack({ port: pa, bindings: { HERD_DEV_ALLOW_HOSTS: allow } })
  b = await startStack({ port: pb, bindings: { HERD_DEV_ALLOW_HOSTS: allow } })
  A = a.url.origin
  B = b.url.origin
}

async function accountId(stack: Stack, username: string): Promise<string> {
  const row = await stack.db.prepare("SELECT id FROM accounts WHERE username = ? AND domain = ''").bind(username).first<{ id: string }>()
  if (!row) throw new Error(`no ${username}`)
  return row.id
}

/** Signed on A by `as` (an A account id), sent from here to `url` on B. */
async function deliver(url: string, activity: object, as: string, opts: { format?: 'cavage' | 'rfc9421'; keyId?: string; date?: string; tamper?: (body: string) => string } = {}): Promise<Response> {
  const body = JSON.stringify(activity)
  const signed = await a.harness('/federation/sign', { method: 'POST', body: JSON.stringify({ accountId: as, url, body, ...opts }) })
  const headers = (await signed.json()) as Record<string, string>
  return fetch(url, { method: 'POST', headers, body: opts.tamper ? opts.tamper(body) : body })
}

async function one<T>(stack: Stack, sql: string, ...binds: unknown[]): Promise<T | null> {
  return stack.db.prepare(sql).bind(...binds).first<T>()
}

async function count(stack: Stack, sql: string, ...binds: unknown[]): Promise<number> {
  return (await one<{ n: number }>(stack, `SELECT count(*) AS n FROM (${sql})`, ...binds))?.n ?? 0
}

async function processed(activityId: string): Promise<void> {
  await eventually(() => one(b, 'SELECT uri FROM processed_activities WHERE uri = ?', activityId), `B processed ${activityId}`)
}

let seq = 0
function activityId(kind: string): string {
  seq += 1
  return `${A}/users/alice#${kind}/${Date.now()}${seq}`
}

async function localStatus(stack: Stack, origin: string, username: string, id: string, visibility = 'public', content = '<p>hello</p>'): Promise<string> {
  const account = await accountId(stack, username)
  const uri = `${origin}/users/${username}/statuses/${id}`
  await stack.db
    .prepare('INSERT INTO statuses (id, uri, url, account_id, local, content, visibility, text) VALUES (?, ?, ?, ?, 1, ?, ?, ?)')
    .bind(id, uri, `${origin}/@${username}/${id}`, account, content, visibility, 'hello')
    .run()
  return uri
}

beforeAll(async () => {
  await stackPair()
  await userToken(a, 'alice')
  await registeredUserToken(a, 'dave')
  await userToken(b, 'bob')
  await registeredUserToken(b, 'carol')
  ids.alice = await accountId(a, 'alice')
  ids.dave = await accountId(a, 'dave')
  ids.bob = await accountId(b, 'bob')
  ids.carol = await accountId(b, 'carol')
  await b.db.prepare('UPDATE accounts SET locked = 1 WHERE id = ?').bind(ids.carol).run()
}, 60_000)

afterAll(async () => {
  await a?.dispose()
  await b?.dispose()
})

describe('discovery and documents', () => {
  it('WebFinger finds local accounts by acct: and by actor URL; unknown ones are a JSON 404', async () => {
    const host = new URL(A).host
    const res = await a.fetch(`/.well-known/webfinger?resource=${encodeURIComponent(`acct:alice@${host}`)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/jrd+json')
    const jrd = (await res.json()) as { subject: string; links: { rel: string; type?: string; href?: string }[] }
    expect(jrd.subject).toBe(`acct:alice@${host}`)
    expect(jrd.links).toContainEqual({ rel: 'self', type: 'application/activity+json', href: `${A}/users/alice` })
    expect(jrd.links).toContainEqual({ rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: `${A}/@alice` })
    const byUrl = await a.fetch(`/.well-known/webfinger?resource=${encodeURIComponent(`${A}/users/alice`)}`)
    expect(((await byUrl.json()) as { subject: string }).subject).toBe(`acct:alice@${host}`)
    const unknown = await a.fetch(`/.well-known/webfinger?resource=${encodeURIComponent(`acct:nobody@${host}`)}`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: 'Unknown account' })
    const elsewhere = await a.fetch(`/.well-known/webfinger?resource=${encodeURIComponent('acct:alice@other.example')}`)
    expect(elsewhere.status).toBe(404)
  })

  it('serves the Person with every field, as activity+json and ld+json; a browser is sent to the profile', async () => {
    for (const accept of ['application/activity+json', 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']) {
      const res = await a.fetch('/users/alice', { headers: { accept } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('application/activity+json')
      const person = (await res.json()) as Record<string, unknown>
      expect(person).toMatchObject({
        id: `${A}/users/alice`,
        type: 'Person',
        preferredUsername: 'alice',
        inbox: `${A}/users/alice/inbox`,
        outbox: `${A}/users/alice/outbox`,
        followers: `${A}/users/alice/followers`,
        following: `${A}/users/alice/following`,
        featured: `${A}/users/alice/collections/featured`,
        endpoints: { sharedInbox: `${A}/inbox` },
        manuallyApprovesFollowers: false,
        discoverable: true,
        url: `${A}/@alice`,
        publicKey: { id: `${A}/users/alice#main-key`, owner: `${A}/users/alice` },
      })
      expect(String((person.publicKey as Record<string, string>).publicKeyPem)).toContain('BEGIN PUBLIC KEY')
      expect(person.icon).toMatchObject({ type: 'Image' })
      expect(person.image).toMatchObject({ type: 'Image' })
      expect(typeof person.published).toBe('string')
      expect(Array.isArray(person.attachment)).toBe(true)
    }
    const html = await a.fetch('/users/alice', { headers: { accept: 'text/html,application/xhtml+xml' } })
    expect(html.status).toBe(302)
    expect(html.headers.get('location')).toBe(`${A}/@alice`)
    expect((await a.fetch('/users/nobody', { headers: { accept: 'application/activity+json' } })).status).toBe(404)
  })

  it('the instance actor is an Application with its own key, made once', async () => {
    const first = (await (await a.fetch('/actor', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, Record<string, string>>
    const second = (await (await a.fetch('/actor', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, Record<string, string>>
    expect(first).toMatchObject({ id: `${A}/actor`, type: 'Application', publicKey: { id: `${A}/actor#main-key`, owner: `${A}/actor` } })
    expect(first.publicKey?.publicKeyPem).toContain('BEGIN PUBLIC KEY')
    expect(second.publicKey?.publicKeyPem).toBe(first.publicKey?.publicKeyPem)
    const row = await one<{ private_key_encrypted: string }>(a, 'SELECT private_key_encrypted FROM instance_actor')
    expect(row?.private_key_encrypted).toMatch(/^v1\./)
  })
})
