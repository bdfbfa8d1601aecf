import { startStack, type Stack } from '../helpers/stack'
type NamedPerson = { token: string; id: string }
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { appToken, registeredUserToken } from '../helpers/auth'
import { callApi, linkPath, peopleNamed } from '../helpers/api'

let stack: Stack
let alice: NamedPerson
let bob: NamedPerson
let carol: NamedPerson
let readOnly: string
const REMOTE = '900'
const REMOTE_FOLLOWER = '901'
const T0 = Date.UTC(2026, 3, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)

type Json = Record<string, unknown>
const api = (method: string, path: string, token?: string, body?: unknown) => callApi(stack, method, path, token, body)
const rel = (body: unknown) => body as Json
const count = async (sql: string, ...binds: string[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? -1
const act = async (action: string, viewerId: string, targetId: string, extra: Json = {}) => {
  const res = await stack.harness('/relationships/act', { method: 'POST', body: JSON.stringify({ action, viewerId, targetId, ...extra }) })
  const body = (await res.json()) as { messages?: Json[]; error?: string }
  return { status: res.status, messages: body.messages ?? [], error: body.error }
}
const validRelationship = (body: unknown) => expect(schemaErrors(mastodonValidator('Relationship'), body)).toEqual([])

beforeAll(async () => {
  stack = await startStack()
  ;[alice, bob, carol] = (await peopleNamed(stack, 'alice', 'bob', 'carol')) as [NamedPerson, NamedPerson, NamedPerson]
  readOnly = (await registeredUserToken(stack, 'reader', 'read')).token
  const db = stack.db
  await db.batch([
    db.prepare('UPDATE accounts SET locked = 1 WHERE id = ?').bind(carol.id),
    db.prepare(`INSERT INTO accounts (id, username, domain, uri, inbox_url) VALUES ('${REMOTE}', 'remo', 'remote.example', 'https://remote.example/users/remo', 'https://remote.example/users/remo/inbox')`),
    db.prepare(`INSERT INTO accounts (id, username, domain, uri) VALUES ('${REMOTE_FOLLOWER}', 'fan', 'far.example', 'https://far.example/users/fan')`),
    // Bob's history, which a new follow of Bob merges into the follower's home.
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
      INSERT INTO statuses (id, uri, account_id, local, visibility, content) SELECT printf('%d', (${T0} + i * 1000) * 65536), 'https://h.example/s/' || i, '${bob.id}', 1, 'public', '<p>' || i || '</p>' FROM n`),
  ])
})
afterAll(async () => {
  await stack.dispose()
})

describe('follow and unfollow', () => {
  it('follows an unlocked local account at once, notifies it, and merges its posts into home', async () => {
    const res = await api('POST', `/api/v1/accounts/${bob.id}/follow`, alice.token)
    expect(res.status).toBe(200)
    validRelationship(res.body)
    expect(rel(res.body)).toMatchObject({ id: bob.id, following: true, requested: false, showing_reblogs: true, notifying: false, followed_by: false })
    expect(await count("SELECT count(*) AS n FROM follows WHERE account_id = ? AND target_account_id = ? AND state = 'accepted'", alice.id, bob.id)).toBe(1)
    const home = await api('GET', '/api/v1/timelines/home', alice.token)
    expect((home.body as Json[]).map((s) => s.id)).toEqual([5, 4, 3, 2, 1].map(sid))
    const notes = await api('GET', '/api/v1/notifications', bob.token)
    expect(notes.body).toHaveLength(1)
    const [note] = notes.body as Json[]
    expect(schemaErrors(mastodonValidator('Notification'), note)).toEqual([])
    expect(note).toMatchObject({ type: 'follow', account: { id: alice.id } })
    const counts = (await api('GET', `/api/v1/accounts/${bob.id}`)).body as Json
    expect(counts.followers_count).toBe(1)
  })

  it('following again updates reblogs and notify, without a second row or notification', async () => {
    const res = await api('POST', `/api/v1/accounts/${bob.id}/follow`, alice.token, { reblogs: false, notify: true })
    expect(rel(res.body)).toMatchObject({ following: true, showing_reblogs: false, notifying: true })
    const form = await stack.fetch(`/api/v1/accounts/${bob.id}/follow`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'reblogs=true',
    })
    expect(rel(await form.json())).toMatchObject({ showing_reblogs: true, notifying: true })
    const query = await api('POST', `/api/v1/accounts/${bob.id}/follow?notify=false`, alice.token)
    expect(rel(query.body)).toMatchObject({ showing_reblogs: true, notifying: false })
    await api('POST', `/api/v1/accounts/${bob.id}/follow`, alice.token, { notify: true })
    expect(await count('SELECT count(*) AS n FROM follows WHERE account_id = ?', alice.id)).toBe(1)
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', bob.id)).toBe(1)
  })

  it('a locked account gets a follow request it can authorize', async () => {
    const res = await api('POST', `/api/v1/accounts/${carol.id}/follow`, alice.token)
    validRelationship(res.body)
    expect(rel(res.body)).toMatchObject({ following: false, requested: true })
    const requests = await api('GET', '/api/v1/follow_requests', carol.token)
    expect(requests.status).toBe(200)
    expect((requests.body as Json[]).map((a) => a.id)).toEqual([alice.id])
    for (const a of requests.body as Json[]) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
    const notes = (await api('GET', '/api/v1/notifications', carol.token)).body as Json[]
    expect(notes.map((n) => n.type)).toEqual(['follow_request'])
    const me = (await api('GET', '/api/v1/accounts/verify_credentials', carol.token)).body as { source: { follow_requests_count: number } }
    expect(me.source.follow_requests_count).toBe(1)

    const ok = await api('POST', `/api/v1/follow_requests/${alice.id}/authorize`, carol.token)
    expect(ok.status).toBe(200)
    validRelationship(ok.body)
    expect(rel(ok.body)).toMatchObject({ id: alice.id, followed_by: true, requested_by: false })
    expect(rel((await api('GET', `/api/v1/accounts/relationships?id[]=${carol.id}`, alice.token)).body as Json[])[0]).toMatchObject({ following: true, requested: false })
    expect((await api('GET', '/api/v1/follow_requests', carol.token)).body).toEqual([])
    // Nothing left to authorize.
    expect((await api('POST', `/api/v1/follow_requests/${alice.id}/authorize`, carol.token)).status).toBe(404)
  })

  it('a rejected request leaves no follow, and a withdrawn one no notification', async () => {
    await api('POST', `/api/v1/accounts/${carol.id}/follow`, bob.token)
    const rejected = await api('POST', `/api/v1/follow_requests/${bob.id}/reject`, carol.token)
    expect(rel(rejected.body)).toMatchObject({ followed_by: false, requested_by: false })
    expect(await count('SELECT count(*) AS n FROM follows WHERE account_id = ? AND target_account_id = ?', bob.id, carol.id)).toBe(0)
    expect((await api('POST', `/api/v1/follow_requests/${bob.id}/reject`, carol.token)).status).toBe(404)

    await api('POST', `/api/v1/accounts/${carol.id}/follow`, bob.token)
    expect(await count("SELECT count(*) AS n FROM notifications WHERE account_id = ? AND from_account_id = ? AND type = 'follow_request'", carol.id, bob.id)).toBeGreaterThan(0)
    const withdrawn = await api('POST', `/api/v1/accounts/${carol.id}/unfollow`, bob.token)
    expect(rel(withdrawn.body)).toMatchObject({ requested: false, following: false })
    expect(await count("SELECT count(*) AS n FROM notifications WHERE account_id = ? AND from_account_id = ? AND type = 'follow_request'", carol.id, bob.id)).toBe(0)
  })

  it('unfollow removes the account from the home timeline', async () => {
    const res = await api('POST', `/api/v1/accounts/${bob.id}/unfollow`, alice.token)
    expect(res.status).toBe(200)
    validRelationship(res.body)
    expect(rel(res.body)).toMatchObject({ following: false, showing_reblogs: false, notifying: false })
    expect((await api('GET', '/api/v1/timelines/home', alice.token)).body).toEqual([])
    // Unfollowing again is fine and changes nothing.
    expect((await api('POST', `/api/v1/accounts/${bob.id}/unfollow`, alice.token)).status).toBe(200)
  })
})

describe('remote accounts federate through the queue', () => {
  it('a remote follow stays pending with the Follow id and sends a federate follow; unfollow sends the undo', async () => {
    const followed = await act('follow', alice.id, REMOTE)
    const row = await stack.db.prepare('SELECT id, uri, state FROM follows WHERE account_id = ? AND target_account_id = ?').bind(alice.id, REMOTE).first<{ id: string; uri: string; state: string }>()
    const aliceUri = (await stack.db.prepare('SELECT uri FROM accounts WHERE id = ?').bind(alice.id).first<{ uri: string }>())?.uri
    expect(row).toMatchObject({ state: 'pending', uri: `${aliceUri}#follows/${row?.id}` })
    expect(followed.messages).toEqual([{ type: 'federate', action: 'follow', actorId: alice.id, objectId: row?.id }])
    expect(rel((await api('GET', `/api/v1/accounts/relationships?id[]=${REMOTE}`, alice.token)).body as Json[])[0]).toMatchObject({ requested: true, following: false })
    // The remote account gets no local notification: it is not ours to notify.
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', REMOTE)).toBe(0)

    const undone = await act('unfollow', alice.id, REMOTE)
    expect(undone.messages).toEqual([{ type: 'federate', action: 'undo-follow', actorId: alice.id, activityUri: row?.uri, targetAccountIds: [REMOTE] }])
    expect(await count('SELECT count(*) AS n FROM follows WHERE account_id = ?', alice.id)).toBe(1) // carol only
  })

  it('a remote follower is accepted, rejected or removed with federate messages', async () => {
    const db = stack.db
    const insert = (id: string) => db.prepare(`INSERT INTO follows (id, account_id, target_account_id, uri, state) VALUES (?, '${REMOTE_FOLLOWER}', ?, ?, 'pending')`).bind(id, carol.id, `https://far.example/follows/${id}`).run()
    await insert('700')
    const accepted = await act('authorize', carol.id, REMOTE_FOLLOWER)
    expect(accepted.messages).toEqual([{ type: 'federate', action: 'accept-follow', actorId: carol.id, objectId: '700' }])
    expect(await count("SELECT count(*) AS n FROM follows WHERE id = '700' AND state = 'accepted'")).toBe(1)

    const removed = await act('remove', carol.id, REMOTE_FOLLOWER)
    expect(removed.messages).toEqual([{ type: 'federate', action: 'reject-follow', actorId: carol.id, activityUri: 'https://far.example/follows/700', targetAccountIds: [REMOTE_FOLLOWER] }])
    expect(await count("SELECT count(*) AS n FROM follows WHERE id = '700'")).toBe(0)

    await insert('701')
    const rejected = await act('reject', carol.id, REMOTE_FOLLOWER)
    expect(rejected.messages).toEqual([{ type: 'federate', action: 'reject-follow', actorId: carol.id, activityUri: 'https://far.example/follows/701', targetAccountIds: [REMOTE_FOLLOWER] }])
    expect(await count("SELECT count(*) AS n FROM follows WHERE id = '701'")).toBe(0)
  })

  it('blocking a remote account sends a Block with its own id, and unblocking the undo', async () => {
    await act('follow', alice.id, REMOTE)
    const followUri = (await stack.db.prepare('SELECT uri FROM follows WHERE account_id = ? AND target_account_id = ?').bind(alice.id, REMOTE).first<{ uri: string }>())?.uri
    const blocked = await act('block', alice.id, REMOTE)
    const row = await stack.db.prepare('SELECT id, uri FROM blocks WHERE account_id = ? AND target_account_id = ?').bind(alice.id, REMOTE).first<{ id: string; uri: string }>()
    expect(row?.uri).toMatch(new RegExp(`#blocks/${row?.id}$`))
    expect(blocked.messages).toEqual([
      { type: 'federate', action: 'undo-follow', actorId: alice.id, activityUri: followUri, targetAccountIds: [REMOTE] },
      { type: 'federate', action: 'block', actorId: alice.id, objectId: row?.id },
    ])
    const unblocked = await act('unblock', alice.id, REMOTE)
    expect(unblocked.messages).toEqual([{ type: 'federate', action: 'undo-block', actorId: alice.id, activityUri: row?.uri, targetAccountIds: [REMOTE] }])
    expect(await count('SELECT count(*) AS n FROM blocks WHERE account_id = ?', alice.id)).toBe(0)
  })
})

describe('blocks and mutes', () => {
  it('block ends follows both ways and clears both home timelines; the blocked cannot follow back', async () => {
    await api('POST', `/api/v1/accounts/${bob.id}/follow`, alice.token)
    await api('POST', `/api/v1/accounts/${alice.id}/follow`, bob.token)
    expect(await count('SELECT count(*) AS n FROM home_feed WHERE account_id = ? AND author_id = ?', alice.id, bob.id)).toBe(5)
    const res = await api('POST', `/api/v1/accounts/${bob.id}/block`, alice.token)
    validRelationship(res.body)
    expect(rel(res.body)).toMatchObject({ blocking: true, following: false, followed_by: false })
    expect(await count('SELECT count(*) AS n FROM follows WHERE (account_id = ?1 AND target_account_id = ?2) OR (account_id = ?2 AND target_account_id = ?1)', alice.id, bob.id)).toBe(0)
    expect(await count('SELECT count(*) AS n FROM home_feed WHERE account_id = ? AND author_id = ?', alice.id, bob.id)).toBe(0)
    expect(rel(((await api('GET', `/api/v1/accounts/relationships?id[]=${alice.id}`, bob.token)).body as Json[])[0])).toMatchObject({ blocked_by: true })
    const refused = await api('POST', `/api/v1/accounts/${alice.id}/follow`, bob.token)
    expect(refused.status).toBe(403)
    expect(await count('SELECT count(*) AS n FROM follows WHERE account_id = ? AND target_account_id = ?', bob.id, alice.id)).toBe(0)

    const list = await api('GET', '/api/v1/blocks', alice.token)
    expect((list.body as Json[]).map((a) => a.id)).toEqual([bob.id])
    for (const a of list.body as Json[]) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
    expect(list.headers.get('link')).toContain('rel="next"')

    const un = await api('POST', `/api/v1/accounts/${bob.id}/unblock`, alice.token)
    expect(rel(un.body)).toMatchObject({ blocking: false })
    expect((await api('GET', '/api/v1/blocks', alice.token)).body).toEqual([])
  })

  it('mute with a duration and without notifications, listed until unmuted', async () => {
    const res = await api('POST', `/api/v1/accounts/${bob.id}/mute`, alice.token, { notifications: false, duration: 3600 })
    validRelationship(res.body)
    const r = rel(res.body)
    expect(r).toMatchObject({ muting: true, muting_notifications: false })
    const expires = Date.parse(String(r.muting_expires_at))
    expect(expires).toBeGreaterThan(Date.now() + 3000 * 1000)
    expect(expires).toBeLessThan(Date.now() + 3700 * 1000)
    const again = await api('POST', `/api/v1/accounts/${bob.id}/mute`, alice.token)
    expect(rel(again.body)).toMatchObject({ muting: true, muting_notifications: true, muting_expires_at: null })
    expect((await api('GET', '/api/v1/mutes', alice.token)).body).toMatchObject([{ id: bob.id }])
    const un = await api('POST', `/api/v1/accounts/${bob.id}/unmute`, alice.token)
    expect(rel(un.body)).toMatchObject({ muting: false, muting_notifications: false })
    expect((await api('GET', '/api/v1/mutes', alice.token)).body).toEqual([])
  })

  it('an expired mute no longer counts', async () => {
    await stack.db.prepare("INSERT INTO mutes (id, account_id, target_account_id, expires_at) VALUES ('800', ?, ?, '2020-01-01T00:00:00.000Z')").bind(alice.id, carol.id).run()
    expect(rel(((await api('GET', `/api/v1/accounts/relationships?id[]=${carol.id}`, alice.token)).body as Json[])[0])).toMatchObject({ muting: false })
    expect((await api('GET', '/api/v1/mutes', alice.token)).body).toEqual([])
    await stack.db.prepare("DELETE FROM mutes WHERE id = '800'").run()
  })
})

describe('relationships', () => {
  it('answers for each known account in the order asked', async () => {
    const res = await api('GET', `/api/v1/accounts/relationships?id[]=${REMOTE}&id[]=${carol.id}&id[]=123456&id[]=nonsense&id[]=${bob.id}&with_suspended=true`, alice.token)
    expect(res.status).toBe(200)
    const list = res.body as Json[]
    expect(list.map((r) => r.id)).toEqual([REMOTE, carol.id, bob.id])
    for (const r of list) validRelationship(r)
    expect(list[1]).toMatchObject({ following: true, followed_by: false, domain_blocking: false, endorsed: false, note: '' })
  })

  it('refuses more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id[]=${1000 + i}`).join('&')
    expect((await api('GET', `/api/v1/accounts/relationships?${ids}`, alice.token)).status).toBe(422)
  })
})

describe('followers and following', () => {
  it('pages by follow with Link headers, accepted follows only', async () => {
    const db = stack.db
    // Five remote followers of Bob (ids in follow order) and one pending request that must not show.
    await db.batch([
      db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6)
        INSERT INTO accounts (id, username, domain, uri) SELECT printf('%d', 2000 + i), 'f' || i, 'flock.example', 'https://flock.example/u/' || i FROM n`),
      db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6)
        INSERT INTO follows (id, account_id, target_account_id, state) SELECT printf('%d', (${T0} + i) * 65536), printf('%d', 2000 + i), '${bob.id}', CASE WHEN i = 6 THEN 'pending' ELSE 'accepted' END FROM n`),
    ])
    const seen: string[] = []
    let next: string | null = `/api/v1/accounts/${bob.id}/followers?limit=2`
    let pages = 0
    while (next) {
      const page = await api('GET', next)
      expect(page.status).toBe(200)
      for (const a of page.body as Json[]) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
      seen.push(...(page.body as Json[]).map((a) => String(a.id)))
      next = linkPath(page.headers, 'next')
      pages += 1
      expect(pages).toBeLessThan(10)
    }
    expect(seen).toEqual(['2005', '2004', '2003', '2002', '2001'])
    const up = await api('GET', `/api/v1/accounts/${bob.id}/followers?limit=2&min_id=${String((BigInt(T0) + 2n) * 65536n)}`)
    expect((up.body as Json[]).map((a) => a.id)).toEqual(['2004', '2003'])

    const following = await api('GET', `/api/v1/accounts/${alice.id}/following`)
    expect((following.body as Json[]).map((a) => a.id)).toEqual([carol.id])
    expect((await api('GET', '/api/v1/accounts/123456/followers')).status).toBe(404)
  })

  it('lookup finds local and known remote accounts', async () => {
    expect((await api('GET', '/api/v1/accounts/lookup?acct=bob')).body).toMatchObject({ id: bob.id })
    expect((await api('GET', '/api/v1/accounts/lookup?acct=remo@remote.example')).body).toMatchObject({ id: REMOTE, acct: 'remo@remote.example' })
    expect((await api('GET', '/api/v1/accounts/lookup?acct=nobody@remote.example')).status).toBe(404)
  })
})

describe('bad input changes nothing', () => {
  const snapshot = async () =>
    Promise.all(['follows', 'blocks', 'mutes', 'notifications', 'home_feed'].map((t) => count(`SELECT count(*) AS n FROM ${t}`)))

  it('unknown accounts, oneself, bad parameters, missing scopes', async () => {
    const before = await snapshot()
    for (const action of ['follow', 'unfollow', 'block', 'unblock', 'mute', 'unmute', 'remove_from_followers']) {
      expect({ action, ...(await api('POST', `/api/v1/accounts/123456/${action}`, alice.token)) }).toMatchObject({ action, status: 404, body: { error: 'Record not found' } })
      expect({ action, ...(await api('POST', `/api/v1/accounts/${alice.id}/${action}`, alice.token)) }).toMatchObject({ action, status: 422 })
      expect({ action, status: (await api('POST', `/api/v1/accounts/${bob.id}/${action}`)).status }).toEqual({ action, status: 401 })
      expect({ action, status: (await api('POST', `/api/v1/accounts/${bob.id}/${action}`, readOnly)).status }).toEqual({ action, status: 403 })
    }
    expect((await api('POST', `/api/v1/accounts/${bob.id}/follow`, alice.token, { reblogs: 'maybe' })).status).toBe(422)
    expect((await api('POST', `/api/v1/accounts/${bob.id}/mute`, alice.token, { duration: -5 })).status).toBe(422)
    expect((await api('POST', `/api/v1/accounts/${bob.id}/mute`, alice.token, { duration: 'soon' })).status).toBe(422)
    expect((await api('POST', '/api/v1/follow_requests/123456/authorize', carol.token)).status).toBe(404)
    // Someone else's request is not yours to answer.
    await api('POST', `/api/v1/accounts/${carol.id}/follow`, bob.token)
    const mid = await snapshot()
    expect((await api('POST', `/api/v1/follow_requests/${bob.id}/authorize`, alice.token)).status).toBe(404)
    expect((await api('POST', `/api/v1/follow_requests/${bob.id}/reject`, alice.token)).status).toBe(404)
    expect(await snapshot()).toEqual(mid)
    await api('POST', `/api/v1/accounts/${carol.id}/unfollow`, bob.token)
    expect(await snapshot()).toEqual(before)
    const app = await appToken(stack, 'read write follow')
    expect((await api('POST', `/api/v1/accounts/${bob.id}/follow`, app.token)).status).toBe(422)
    expect((await api('GET', '/api/v1/follow_requests')).status).toBe(401)
    expect((await api('GET', '/api/v1/blocks', readOnly)).status).toBe(200)
    expect((await api('GET', '/api/v1/accounts/relationships?id[]=1')).status).toBe(401)
    expect((await api('GET', `/api/v1/accounts/${bob.id}/follow`, alice.token)).status).toBe(405)
  })
})

describe('relationships cost', () => {
  // One query per table for the whole list: the cost grows with the ids asked for (at most 100), never with the graph.
  it.each([1, 20, 100])('%i ids read at most 10 + 5 per id rows in 5 queries', async (n) => {
    const ids = Array.from({ length: n }, (_, i) => `id[]=${i === 0 ? bob.id : 2000 + i}`).join('&')
    const res = await api('GET', `/api/v1/accounts/relationships?${ids}`, alice.token)
    expect(res.status).toBe(200)
    expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(10 + 5 * n)
    expect(Number(res.headers.get('x-herd-d1-queries'))).toBeLessThanOrEqual(5)
  })
})

