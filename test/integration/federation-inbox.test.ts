// Two Herd instances on loopback (the development setting on for each other's port only): discovery, actor
// documents and collections on A; activities from A's accounts signed with their stored keys and POSTed to
// B's inboxes, then B's state checked after its queue consumer ran.
import { createHash, createSign, generateKeyPairSync } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { eventually, freePort, startStack, type Stack } from '../helpers/stack'
import { userToken, registeredUserToken } from '../helpers/auth'

let a: Stack
let b: Stack
let A: string
let B: string
/** A third, hand-written peer: the account alice moves to. */
let peer: Server
let P: string
/** The peer's own key, published as a separate Key document (not `#main-key` on the actor), as some servers do. */
const peerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ids: Record<string, string> = {}

async function stackPair(): Promise<void> {
  const [pa, pb, pp] = [await freePort(), await freePort(), await freePort()]
  const allow = `127.0.0.1:${pa},127.0.0.1:${pb},127.0.0.1:${pp}`
  P = `http://127.0.0.1:${pp}`
  const pem = peerKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const keyed = { id: `http://127.0.0.1:${pp}/users/keyed`, type: 'Person', preferredUsername: 'keyed', inbox: `http://127.0.0.1:${pp}/users/keyed/inbox`, publicKey: { id: `http://127.0.0.1:${pp}/keys/1`, owner: `http://127.0.0.1:${pp}/users/keyed`, publicKeyPem: pem } }
  peer = createServer((req, res) => {
    const documents: Record<string, object> = { '/users/keyed': keyed, '/keys/1': { ...keyed.publicKey, type: 'Key' } }
    const doc = documents[req.url ?? '']
    if (doc) {
      res.writeHead(200, { 'content-type': 'application/activity+json' })
      res.end(JSON.stringify(doc))
      return
    }
    if (req.url !== '/users/newalice') {
      res.writeHead(404)
      res.end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/activity+json' })
    res.end(JSON.stringify({ id: `${P}/users/newalice`, type: 'Person', preferredUsername: 'newalice', inbox: `${P}/users/newalice/inbox`, alsoKnownAs: [`${A}/users/alice`] }))
  })
  await new Promise<void>((r) => peer.listen(pp, '127.0.0.1', r))
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
  await eventually(() => one(b, 'SELECT uri FROM processed_activities WHERE uri = ?', activityId), `B processed ${activityId}`, 300)
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

/**
 * The ports are chosen before the stacks start, because each must allow the other: another test
 * file's workerd can take one in between, so a clash picks new ports and tries again.
 */
async function stackPairWithRetry(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await stackPair()
      return
    } catch (err) {
      await Promise.all([a?.dispose().catch(() => undefined), b?.dispose().catch(() => undefined), new Promise((r) => (peer ? peer.close(r) : r(null)))])
      if (attempt >= 3 || !/ADDRESS_IN_USE|Address already in use/i.test(String(err))) throw err
    }
  }
}

beforeAll(async () => {
  await stackPairWithRetry()
  await userToken(a, 'alice')
  await registeredUserToken(a, 'dave')
  await userToken(b, 'bob')
  await registeredUserToken(b, 'carol')
  ids.alice = await accountId(a, 'alice')
  ids.dave = await accountId(a, 'dave')
  ids.bob = await accountId(b, 'bob')
  ids.carol = await accountId(b, 'carol')
  await b.db.prepare('UPDATE accounts SET locked = 1 WHERE id = ?').bind(ids.carol).run()
  // Two stacks and four sign-ups (password hashing): slow when the machine is busy.
}, 240_000)

afterAll(async () => {
  await a?.dispose()
  await b?.dispose()
  await new Promise((r) => peer?.close(r))
})

describe('discovery and documents', () => {
  it('WebFinger finds local accounts by acct: and by actor URL; unknown ones are a JSON 404', async () => {
    const host = new URL(A).host
    const res = await a.fetch(`/.well-known/webfinger?resource=${encodeURIComponent(`acct:alice@${host}`)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/jrd+json')
    const jrd = (await res.json()) as { subject: string; links: { rel: string; type?: string; href?: string }[] }
    expect(jrd.subject).toBe(`acct:alice@${host}`)
    expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(2)
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
      expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(2)
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

describe('inbound activities, A → B', () => {
  it('resolves alice@A on B through WebFinger and a signed actor fetch', async () => {
    const res = await b.harness('/federation/resolve', { method: 'POST', body: JSON.stringify({ query: `alice@${new URL(A).host}` }) })
    const found = (await res.json()) as { accountIds: string[] }
    expect(found.accountIds).toHaveLength(1)
    const row = await one<Record<string, string>>(b, 'SELECT * FROM accounts WHERE id = ?', found.accountIds[0])
    expect(row).toMatchObject({
      username: 'alice',
      domain: new URL(A).host,
      uri: `${A}/users/alice`,
      inbox_url: `${A}/users/alice/inbox`,
      shared_inbox_url: `${A}/inbox`,
      followers_url: `${A}/users/alice/followers`,
      key_id: `${A}/users/alice#main-key`,
    })
    expect(row?.public_key_pem).toContain('BEGIN PUBLIC KEY')
    expect(row?.fetched_at).toBeTruthy()
    // B signed the fetch with its instance actor, which it made for the purpose.
    expect(await one(b, 'SELECT uri FROM instance_actor')).toEqual({ uri: `${B}/actor` })
  })

  it('Follow of an unlocked account is accepted, with a follow notification; a locked one is pending with a request', async () => {
    const follow = { '@context': 'https://www.w3.org/ns/activitystreams', id: activityId('follows'), type: 'Follow', actor: `${A}/users/alice`, object: `${B}/users/bob` }
    const res = await deliver(`${B}/users/bob/inbox`, follow, ids.alice ?? '')
    expect(res.status).toBe(202)
    await processed(follow.id)
    const aliceOnB = (await one<{ id: string }>(b, 'SELECT id FROM accounts WHERE uri = ?', `${A}/users/alice`))?.id
    expect(await one(b, 'SELECT state, uri FROM follows WHERE account_id = ? AND target_account_id = ?', aliceOnB, ids.bob)).toEqual({ state: 'accepted', uri: follow.id })
    expect(await count(b, "SELECT 1 FROM notifications WHERE account_id = ? AND type = 'follow'", ids.bob)).toBe(1)

    const locked = { ...follow, id: activityId('follows'), object: `${B}/users/carol` }
    expect((await deliver(`${B}/inbox`, locked, ids.alice ?? '', { format: 'rfc9421' })).status).toBe(202)
    await processed(locked.id)
    expect(await one(b, 'SELECT state FROM follows WHERE account_id = ? AND target_account_id = ?', aliceOnB, ids.carol)).toEqual({ state: 'pending' })
    expect(await count(b, "SELECT 1 FROM notifications WHERE account_id = ? AND type = 'follow_request'", ids.carol)).toBe(1)

    // Undo of the Follow, by its id.
    const undo = { id: activityId('undo'), type: 'Undo', actor: `${A}/users/alice`, object: { id: locked.id, type: 'Follow', actor: `${A}/users/alice`, object: `${B}/users/carol` } }
    expect((await deliver(`${B}/inbox`, undo, ids.alice ?? '')).status).toBe(202)
    await processed(undo.id)
    expect(await one(b, 'SELECT state FROM follows WHERE account_id = ? AND target_account_id = ?', aliceOnB, ids.carol)).toBeNull()
  })

  it('Create Note: stored sanitized with tags and mentions, a mention notification, in local followers\' home feeds', async () => {
    const aliceOnB = (await one<{ id: string }>(b, 'SELECT id FROM accounts WHERE uri = ?', `${A}/users/alice`))?.id ?? ''
    await b.db.prepare("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('120000000000000001', ?, ?, 'accepted')").bind(ids.bob, aliceOnB).run()
    const noteId = `${A}/users/alice/statuses/130000000000000001`
    const create = {
      id: `${noteId}/activity`,
      type: 'Create',
      actor: `${A}/users/alice`,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      cc: [`${A}/users/alice/followers`, `${B}/users/bob`],
      object: {
        id: noteId,
        type: 'Note',
        attributedTo: `${A}/users/alice`,
        content: '<p>Hi <a href="' + B + '/@bob" class="u-url mention">@bob</a> #Meadow<script>alert(1)</script></p>',
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        cc: [`${A}/users/alice/followers`, `${B}/users/bob`],
        published: '2026-11-01T10:00:00Z',
        tag: [
          { type: 'Mention', href: `${B}/users/bob`, name: `@bob@${new URL(B).host}` },
          { type: 'Hashtag', href: `${A}/tags/meadow`, name: '#Meadow' },
        ],
        attachment: [{ type: 'Document', mediaType: 'image/png', url: 'https://cdn.example/a.png', name: 'a field', width: 10, height: 5 }],
      },
    }
    expect((await deliver(`${B}/inbox`, create, ids.alice ?? '')).status).toBe(202)
    await processed(create.id)
    const status = await one<Record<string, unknown>>(b, 'SELECT * FROM statuses WHERE uri = ?', noteId)
    expect(status).toMatchObject({ account_id: aliceOnB, local: 0, visibility: 'public', created_at: '2026-11-01T10:00:00.000Z' })
    expect(String(status?.content)).not.toContain('script')
    expect(JSON.parse(String(status?.tags_json))).toEqual(['meadow'])
    expect(JSON.parse(String(status?.mentions_json))).toMatchObject([{ id: ids.bob }])
    expect(JSON.parse(String(status?.media_json))).toMatchObject([{ remote_url: 'https://cdn.example/a.png', type: 'image', width: 10, height: 5 }])
    expect(await count(b, "SELECT 1 FROM notifications WHERE account_id = ? AND type = 'mention' AND status_id = ?", ids.bob, status?.id)).toBe(1)
    expect(await one(b, 'SELECT account_id FROM home_feed WHERE status_id = ?', status?.id)).toEqual({ account_id: ids.bob })
    ids.note = String(status?.id)
    ids.noteUri = noteId
  })

  it('a reply to a note B has not seen fetches the parent from A (signed) and threads to it', async () => {
    const parentUri = await localStatus(a, A, 'alice', '130000000000000010', 'public', '<p>parent</p>')
    const replyUri = `${A}/users/dave/statuses/130000000000000011`
    const create = {
      id: `${replyUri}/activity`,
      type: 'Create',
      actor: `${A}/users/dave`,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      object: { id: replyUri, type: 'Note', attributedTo: `${A}/users/dave`, inReplyTo: parentUri, content: '<p>reply</p>', to: ['https://www.w3.org/ns/activitystreams#Public'] },
    }
    expect((await deliver(`${B}/inbox`, create, ids.dave ?? '')).status).toBe(202)
    await processed(create.id)
    const parent = await one<{ id: string; content: string; account_id: string }>(b, 'SELECT id, content, account_id FROM statuses WHERE uri = ?', parentUri)
    expect(parent?.content).toBe('<p>parent</p>')
    expect(await one(b, 'SELECT in_reply_to_id, in_reply_to_account_id FROM statuses WHERE uri = ?', replyUri)).toEqual({ in_reply_to_id: parent?.id, in_reply_to_account_id: parent?.account_id })
  })

  it('Like and Announce of a local status, with notifications; the same Like twice stores one row and one notification; Undo removes both', async () => {
    const bobStatus = await localStatus(b, B, 'bob', '130000000000000020')
    const like = { id: activityId('likes'), type: 'Like', actor: `${A}/users/alice`, object: bobStatus }
    expect((await deliver(`${B}/inbox`, like, ids.alice ?? '')).status).toBe(202)
    expect((await deliver(`${B}/inbox`, like, ids.alice ?? '')).status).toBe(202)
    await processed(like.id)
    const announce = { id: activityId('announce'), type: 'Announce', actor: `${A}/users/alice`, object: bobStatus, to: ['https://www.w3.org/ns/activitystreams#Public'], cc: [`${A}/users/alice/followers`] }
    expect((await deliver(`${B}/inbox`, announce, ids.alice ?? '')).status).toBe(202)
    await processed(announce.id)
    expect(await count(b, 'SELECT 1 FROM favourites WHERE status_id = ?', '130000000000000020')).toBe(1)
    expect(await count(b, "SELECT 1 FROM notifications WHERE account_id = ? AND type = 'favourite'", ids.bob)).toBe(1)
    expect(await one(b, 'SELECT favourites_count, reblogs_count FROM statuses WHERE id = ?', '130000000000000020')).toEqual({ favourites_count: 1, reblogs_count: 1 })
    expect(await one(b, 'SELECT reblog_of_id, visibility FROM statuses WHERE uri = ?', announce.id)).toEqual({ reblog_of_id: '130000000000000020', visibility: 'public' })
    expect(await count(b, "SELECT 1 FROM notifications WHERE account_id = ? AND type = 'reblog'", ids.bob)).toBe(1)

    for (const object of [like.id, { id: announce.id, type: 'Announce', actor: `${A}/users/alice`, object: bobStatus }]) {
      const undo = { id: activityId('undo'), type: 'Undo', actor: `${A}/users/alice`, object }
      expect((await deliver(`${B}/inbox`, undo, ids.alice ?? '')).status).toBe(202)
      await processed(undo.id)
    }
    expect(await one(b, 'SELECT favourites_count, reblogs_count FROM statuses WHERE id = ?', '130000000000000020')).toEqual({ favourites_count: 0, reblogs_count: 0 })
    expect(await one(b, 'SELECT id FROM statuses WHERE uri = ?', announce.id)).toBeNull()
  })

  it('Update Note keeps the edit history; Delete removes it and a late Create does not bring it back', async () => {
    const update = {
      id: activityId('update'),
      type: 'Update',
      actor: `${A}/users/alice`,
      object: {
        id: ids.noteUri,
        type: 'Note',
        attributedTo: `${A}/users/alice`,
        content: '<p>edited</p>',
        updated: '2026-11-01T11:00:00Z',
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        tag: [{ type: 'Hashtag', name: '#Pasture' }],
      },
    }
    // carol boosted it: she hears of the edit.
    await b.db.prepare("INSERT INTO statuses (id, uri, account_id, local, reblog_of_id, visibility) VALUES ('130000000000000050', ?, ?, 1, ?, 'public')").bind(`${B}/users/carol/statuses/130000000000000050`, ids.carol, ids.note).run()
    expect((await deliver(`${B}/inbox`, update, ids.alice ?? '')).status).toBe(202)
    await processed(update.id)
    expect(await one(b, 'SELECT content, edited_at FROM statuses WHERE id = ?', ids.note)).toEqual({ content: '<p>edited</p>', edited_at: '2026-11-01T11:00:00.000Z' })
    const history = (await b.db.prepare('SELECT content FROM status_edits WHERE status_id = ? ORDER BY id').bind(ids.note).all<{ content: string }>()).results.map((r) => r.content)
    expect(history).toHaveLength(2)
    expect(history[1]).toBe('<p>edited</p>')
    expect(history[0]).toContain('Hi')
    expect(await one(b, 'SELECT tags_json, mentions_json FROM statuses WHERE id = ?', ids.note)).toEqual({ tags_json: '["pasture"]', mentions_json: '[]' })
    expect(await count(b, "SELECT 1 FROM notifications WHERE account_id = ? AND type = 'update' AND status_id = ?", ids.carol, ids.note)).toBe(1)

    const del = { id: activityId('delete'), type: 'Delete', actor: `${A}/users/alice`, object: { id: ids.noteUri, type: 'Tombstone' } }
    expect((await deliver(`${B}/inbox`, del, ids.alice ?? '')).status).toBe(202)
    await processed(del.id)
    expect(await one(b, 'SELECT id FROM statuses WHERE uri = ?', ids.noteUri)).toBeNull()
    // A Create carrying someone else's note is handled once and stores nothing (not retried forever either).
    const impostor = { id: activityId('create'), type: 'Create', actor: `${A}/users/alice`, object: { id: `${A}/users/dave/statuses/130000000000000060`, type: 'Note', attributedTo: `${A}/users/dave`, content: '<p>not hers</p>', to: ['https://www.w3.org/ns/activitystreams#Public'] } }
    expect((await deliver(`${B}/inbox`, impostor, ids.alice ?? '')).status).toBe(202)
    await processed(impostor.id)
    expect(await one(b, 'SELECT id FROM statuses WHERE uri = ?', impostor.object.id)).toBeNull()

    const late = { id: `${ids.noteUri}/activity-again`, type: 'Create', actor: `${A}/users/alice`, object: { id: ids.noteUri, type: 'Note', attributedTo: `${A}/users/alice`, content: '<p>zombie</p>', to: ['https://www.w3.org/ns/activitystreams#Public'] } }
    expect((await deliver(`${B}/inbox`, late, ids.alice ?? '')).status).toBe(202)
    await processed(late.id)
    expect(await one(b, 'SELECT id FROM statuses WHERE uri = ?', ids.noteUri)).toBeNull()
  })

  it('Block removes follows both ways; Undo Block removes the block', async () => {
    const aliceOnB = (await one<{ id: string }>(b, 'SELECT id FROM accounts WHERE uri = ?', `${A}/users/alice`))?.id ?? ''
    const block = { id: activityId('blocks'), type: 'Block', actor: `${A}/users/alice`, object: `${B}/users/bob` }
    expect((await deliver(`${B}/inbox`, block, ids.alice ?? '')).status).toBe(202)
    await processed(block.id)
    expect(await count(b, 'SELECT 1 FROM follows WHERE (account_id = ?1 AND target_account_id = ?2) OR (account_id = ?2 AND target_account_id = ?1)', aliceOnB, ids.bob)).toBe(0)
    expect(await count(b, 'SELECT 1 FROM blocks WHERE account_id = ? AND target_account_id = ?', aliceOnB, ids.bob)).toBe(1)
    const undo = { id: activityId('undo'), type: 'Undo', actor: `${A}/users/alice`, object: block.id }
    expect((await deliver(`${B}/inbox`, undo, ids.alice ?? '')).status).toBe(202)
    await processed(undo.id)
    expect(await count(b, 'SELECT 1 FROM blocks WHERE account_id = ?', aliceOnB)).toBe(0)
  })
})

describe('relationships and actors', () => {
  it('Accept and Reject of our own Follow', async () => {
    const aliceOnB = (await one<{ id: string }>(b, 'SELECT id FROM accounts WHERE uri = ?', `${A}/users/alice`))?.id ?? ''
    const followUri = `${B}/users/bob#follows/1`
    await b.db.prepare("INSERT OR REPLACE INTO follows (id, account_id, target_account_id, uri, state) VALUES ('120000000000000003', ?, ?, ?, 'pending')").bind(ids.bob, aliceOnB, followUri).run()
    const accept = { id: activityId('accept'), type: 'Accept', actor: `${A}/users/alice`, object: { id: followUri, type: 'Follow', actor: `${B}/users/bob`, object: `${A}/users/alice` } }
    expect((await deliver(`${B}/users/bob/inbox`, accept, ids.alice ?? '')).status).toBe(202)
    await processed(accept.id)
    expect(await one(b, 'SELECT state FROM follows WHERE id = ?', '120000000000000003')).toEqual({ state: 'accepted' })
    const reject = { id: activityId('reject'), type: 'Reject', actor: `${A}/users/alice`, object: followUri }
    expect((await deliver(`${B}/users/bob/inbox`, reject, ids.alice ?? '')).status).toBe(202)
    await processed(reject.id)
    expect(await one(b, 'SELECT state FROM follows WHERE id = ?', '120000000000000003')).toBeNull()
  })

  it('Update Person refreshes the stored actor; Move is recorded when the target lists the actor', async () => {
    const person = (await (await a.fetch('/users/alice', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>
    const update = { id: activityId('update'), type: 'Update', actor: `${A}/users/alice`, object: { ...person, name: 'Alice Renamed', summary: '<p>new bio<script>x</script></p>' } }
    expect((await deliver(`${B}/inbox`, update, ids.alice ?? '')).status).toBe(202)
    await processed(update.id)
    expect(await one(b, 'SELECT display_name, note FROM accounts WHERE uri = ?', `${A}/users/alice`)).toEqual({ display_name: 'Alice Renamed', note: '<p>new bio</p>' })

    const move = { id: activityId('move'), type: 'Move', actor: `${A}/users/alice`, object: `${A}/users/alice`, target: `${P}/users/newalice` }
    expect((await deliver(`${B}/inbox`, move, ids.alice ?? '')).status).toBe(202)
    await processed(move.id)
    const moved = await one<{ moved_to_account_id: string }>(b, 'SELECT moved_to_account_id FROM accounts WHERE uri = ?', `${A}/users/alice`)
    expect(await one(b, 'SELECT uri FROM accounts WHERE id = ?', moved?.moved_to_account_id)).toEqual({ uri: `${P}/users/newalice` })
  })

  it('Delete Person removes the remote account and what it stored', async () => {
    const daveOnB = (await one<{ id: string }>(b, 'SELECT id FROM accounts WHERE uri = ?', `${A}/users/dave`))?.id
    expect(await count(b, 'SELECT 1 FROM statuses WHERE account_id = ?', daveOnB)).toBe(1)
    const del = { id: activityId('delete'), type: 'Delete', actor: `${A}/users/dave`, object: `${A}/users/dave` }
    expect((await deliver(`${B}/inbox`, del, ids.dave ?? '')).status).toBe(202)
    await processed(del.id)
    expect(await one(b, 'SELECT id FROM accounts WHERE uri = ?', `${A}/users/dave`)).toBeNull()
    expect(await count(b, 'SELECT 1 FROM statuses WHERE account_id = ?', daveOnB)).toBe(0)
  })
})

describe('a peer that is not Herd', () => {
  it('signs in Node with a key published as its own Key document: B resolves the owner and accepts', async () => {
    await localStatus(b, B, 'bob', '130000000000000070')
    const url = new URL(`${B}/inbox`)
    const body = JSON.stringify({ id: `${P}/likes/1`, type: 'Like', actor: `${P}/users/keyed`, object: `${B}/users/bob/statuses/130000000000000070` })
    const date = new Date().toUTCString()
    const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`
    const base = `(request-target): post ${url.pathname}\nhost: ${url.host}\ndate: ${date}\ndigest: ${digest}`
    const signature = createSign('RSA-SHA256').update(base).sign(peerKeys.privateKey, 'base64')
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json', date, digest, signature: `keyId="${P}/keys/1",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"` },
      body,
    })
    expect(res.status).toBe(202)
    await processed(`${P}/likes/1`)
    expect(await one(b, 'SELECT key_id FROM accounts WHERE uri = ?', `${P}/users/keyed`)).toEqual({ key_id: `${P}/keys/1` })
    expect(await count(b, 'SELECT 1 FROM favourites WHERE status_id = ?', '130000000000000070')).toBe(1)
  })
})

describe('refused at the inbox, with nothing stored', () => {
  it('unsigned, forged, replayed, digest mismatch, signer not the actor, unfetchable key, oversized, malformed', async () => {
    await localStatus(b, B, 'bob', '130000000000000030')
    await localStatus(b, B, 'bob', '130000000000000031')
    const target = `${B}/users/bob/statuses/130000000000000030`
    const like = () => ({ id: activityId('likes'), type: 'Like', actor: `${A}/users/alice`, object: target })
    const inbox = `${B}/inbox`
    const json = { 'content-type': 'application/activity+json' }
    const outcomes: Record<string, number> = {}
    outcomes.unsigned = (await fetch(inbox, { method: 'POST', headers: json, body: JSON.stringify(like()) })).status
    outcomes.forged = (await deliver(inbox, like(), ids.dave ?? '', { keyId: `${A}/users/alice#main-key` })).status
    outcomes.replayed = (await deliver(inbox, like(), ids.alice ?? '', { date: new Date(Date.now() - 2 * 3600_000).toUTCString() })).status
    outcomes.digestMismatch = (await deliver(inbox, like(), ids.alice ?? '', { tamper: (body) => body.replace('Like', 'Block') })).status
    outcomes.rfcDigestMismatch = (await deliver(inbox, like(), ids.alice ?? '', { format: 'rfc9421', tamper: (body) => body.replace('Like', 'Block') })).status
    outcomes.signerNotActor = (await deliver(inbox, like(), ids.dave ?? '')).status
    outcomes.privateKeyHost = (await deliver(inbox, { ...like(), actor: 'https://10.0.0.1/users/x' }, ids.alice ?? '', { keyId: 'https://10.0.0.1/users/x#main-key' })).status
    outcomes.plainHttpActor = (await deliver(inbox, { ...like(), actor: 'http://127.0.0.1:1/users/x' }, ids.alice ?? '', { keyId: 'http://127.0.0.1:1/users/x#main-key' })).status
    outcomes.oversized = (await fetch(inbox, { method: 'POST', headers: json, body: JSON.stringify({ ...like(), pad: 'x'.repeat(300 * 1024) }) })).status
    outcomes.malformed = (await deliver(inbox, like(), ids.alice ?? '', { tamper: () => '{"id": ' })).status
    outcomes.unknownInbox = (await deliver(`${B}/users/nobody/inbox`, like(), ids.alice ?? '')).status
    // As the admin action writes a block (its form refuses a host with a port): the row, then the inbox's cached suspension.
    const suspension = (sql: string) => Promise.all([b.db.prepare(sql).bind(new URL(A).host).run()]).then(() => b.harness('/cache/invalidate-suspension', { method: 'POST', body: JSON.stringify({ host: new URL(A).host }) }))
    await suspension("INSERT INTO instance_domain_blocks (domain, severity) VALUES (?, 'suspend')")
    outcomes.suspendedDomain = (await deliver(inbox, like(), ids.alice ?? '')).status
    await suspension('DELETE FROM instance_domain_blocks WHERE domain = ?')
    expect(outcomes).toEqual({
      unsigned: 401,
      forged: 401,
      replayed: 401,
      digestMismatch: 401,
      rfcDigestMismatch: 401,
      signerNotActor: 401,
      privateKeyHost: 401,
      plainHttpActor: 422,
      oversized: 413,
      malformed: 400,
      unknownInbox: 404,
      suspendedDomain: 403,
    })
    // A valid activity after them all: once it is processed, the queue has drained what came before.
    const sentinel = { id: activityId('likes'), type: 'Like', actor: `${A}/users/alice`, object: `${B}/users/bob/statuses/130000000000000031` }
    const accepted = await deliver(inbox, sentinel, ids.alice ?? '')
    expect(accepted.status).toBe(202)
    // Intake reads the cached key and the queue does the rest: a handful of rows.
    expect(Number(accepted.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(5)
    await processed(sentinel.id)
    expect(await count(b, 'SELECT 1 FROM favourites WHERE status_id = ?', '130000000000000030')).toBe(0)
    expect(await count(b, 'SELECT 1 FROM favourites WHERE status_id = ?', '130000000000000031')).toBe(1)
    expect(await count(b, "SELECT 1 FROM accounts WHERE uri LIKE 'http://127.0.0.1:1/%' OR uri LIKE 'https://10.0.0.1/%'")).toBe(0)
  })

  it('remote fetches to hosts outside the development setting are refused', async () => {
    for (const query of ['http://127.0.0.1:1/users/x', 'https://10.0.0.1/users/x', 'https://169.254.169.254/latest', `x@127.0.0.1:1`]) {
      const res = await b.harness('/federation/resolve', { method: 'POST', body: JSON.stringify({ query }) })
      expect({ query, found: await res.json() }).toEqual({ query, found: { accountIds: [], statusIds: [] } })
    }
  })
})

describe('A serves its objects by visibility', () => {
  it('outbox, followers and featured are paged OrderedCollections of public things', async () => {
    await localStatus(a, A, 'alice', '130000000000000040', 'private', '<p>followers only</p>')
    const outbox = (await (await a.fetch('/users/alice/outbox', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>
    expect(outbox).toMatchObject({ id: `${A}/users/alice/outbox`, type: 'OrderedCollection', first: `${A}/users/alice/outbox?page=true` })
    expect(outbox.totalItems).toBeGreaterThanOrEqual(1)
    const pageRes = await a.fetch('/users/alice/outbox?page=true', { headers: { accept: 'application/activity+json' } })
    // A page: the account, its statuses (index range), their authors, parents and attachments.
    expect(Number(pageRes.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(8)
    const page = (await pageRes.json()) as { type: string; orderedItems: { type: string; object: { id: string; to: string[] } }[] }
    expect(page.type).toBe('OrderedCollectionPage')
    expect(page.orderedItems.map((i) => i.object.id)).toEqual([`${A}/users/alice/statuses/130000000000000010`])
    expect(page.orderedItems[0]).toMatchObject({ type: 'Create', object: { to: ['https://www.w3.org/ns/activitystreams#Public'] } })
    const followers = (await (await a.fetch('/users/alice/followers?page=true', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>
    expect(followers).toMatchObject({ type: 'OrderedCollectionPage', partOf: `${A}/users/alice/followers`, orderedItems: [] })
    const featured = await a.fetch('/users/alice/collections/featured', { headers: { accept: 'application/activity+json' } })
    expect(await featured.json()).toMatchObject({ type: 'OrderedCollection', orderedItems: [] })
  })

  it('a public Note and its Create at stable URLs; followers-only only to a signed follower', async () => {
    const note = (await (await a.fetch('/users/alice/statuses/130000000000000010', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>
    expect(note).toMatchObject({ id: `${A}/users/alice/statuses/130000000000000010`, type: 'Note', attributedTo: `${A}/users/alice`, to: ['https://www.w3.org/ns/activitystreams#Public'], cc: [`${A}/users/alice/followers`] })
    const create = (await (await a.fetch('/users/alice/statuses/130000000000000010/activity', { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>
    expect(create).toMatchObject({ id: `${A}/users/alice/statuses/130000000000000010/activity`, type: 'Create', object: { id: note.id } })

    const path = '/users/alice/statuses/130000000000000040'
    expect((await a.fetch(path, { headers: { accept: 'application/activity+json' } })).status).toBe(404)
    const signedGet = async () => {
      const headers = (await (await b.harness('/federation/sign', { method: 'POST', body: JSON.stringify({ accountId: ids.bob, url: `${A}${path}`, method: 'GET' }) })).json()) as Record<string, string>
      return fetch(`${A}${path}`, { headers: { ...headers, accept: 'application/activity+json' } })
    }
    expect((await signedGet()).status).toBe(404)
    const bobOnA = await one<{ id: string }>(a, 'SELECT id FROM accounts WHERE uri = ?', `${B}/users/bob`)
    expect(bobOnA).not.toBeNull()
    await a.db.prepare("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('120000000000000002', ?, ?, 'accepted')").bind(bobOnA?.id, ids.alice).run()
    const allowed = await signedGet()
    expect(allowed.status).toBe(200)
    expect(await allowed.json()).toMatchObject({ id: `${A}${path}`, to: [`${A}/users/alice/followers`], cc: [] })
  })
})
