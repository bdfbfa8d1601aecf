import { startStack, type Stack } from '../helpers/stack'
type NamedPerson = { token: string; id: string }
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { registeredUserToken } from '../helpers/auth'
import { callApi, linkPath as linkOf, peopleNamed } from '../helpers/api'

let stack: Stack
let alice: NamedPerson
let bob: NamedPerson
let readOnly: string
const REMOTE = '900'
const T0 = Date.UTC(2026, 4, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)

type Json = Record<string, unknown>
const api = (method: string, path: string, token?: string, body?: unknown) => callApi(stack, method, path, token, body)
const list = (body: unknown) => body as Json[]
const types = (body: unknown) => list(body).map((n) => n.type)
const count = async (sql: string, ...binds: string[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? -1

async function notify(items: Array<{ accountId: string; fromAccountId: string; type: string; statusId?: string; key: string }>) {
  const res = await stack.harness('/notifications/create', { method: 'POST', body: JSON.stringify({ items }) })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  stack = await startStack()
  ;[alice, bob] = (await peopleNamed(stack, 'alice', 'bob')) as [NamedPerson, NamedPerson]
  readOnly = (await registeredUserToken(stack, 'reader', 'read')).token
  const db = stack.db
  await db.batch([
    db.prepare(`INSERT INTO accounts (id, username, domain, uri) VALUES ('${REMOTE}', 'remo', 'remote.example', 'https://remote.example/users/remo')`),
    // 1: Alice's post; 2: Bob mentions Alice (public); 3: Bob's followers-only post; 4: Bob's direct post to Alice.
    db.prepare(`INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES ('${sid(1)}', 'https://h.example/1', '${alice.id}', 1, 'public', '<p>mine</p>')`),
    db.prepare(`INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES ('${sid(2)}', 'https://h.example/2', '${bob.id}', 1, 'public', '<p>hi @alice</p>')`),
    db.prepare(`INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES ('${sid(3)}', 'https://h.example/3', '${bob.id}', 1, 'private', '<p>followers</p>')`),
    db.prepare(`INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES ('${sid(4)}', 'https://h.example/4', '${bob.id}', 1, 'direct', '<p>psst</p>')`),
    db.prepare(`INSERT INTO status_mentions (status_id, account_id) VALUES ('${sid(2)}', '${alice.id}'), ('${sid(4)}', '${alice.id}')`),
    // Alice follows Bob, so his followers-only post is hers to see.
    db.prepare(`INSERT INTO follows (id, account_id, target_account_id) VALUES ('600', '${alice.id}', '${bob.id}')`),
  ])
  // One at a time, so their ids are in this order.
  const steps = [
    { accountId: alice.id, fromAccountId: bob.id, type: 'favourite', statusId: sid(1), key: 'fav:1' },
    { accountId: alice.id, fromAccountId: bob.id, type: 'mention', statusId: sid(2), key: 'mention:2' },
    { accountId: alice.id, fromAccountId: REMOTE, type: 'follow', key: 'follow:remote' },
    { accountId: alice.id, fromAccountId: bob.id, type: 'status', statusId: sid(3), key: 'status:3' },
    { accountId: alice.id, fromAccountId: REMOTE, type: 'reblog', statusId: sid(1), key: 'reblog:1' },
    { accountId: alice.id, fromAccountId: bob.id, type: 'mention', statusId: sid(4), key: 'mention:4' },
    { accountId: alice.id, fromAccountId: bob.id, type: 'update', statusId: sid(2), key: 'update:2' },
    // Bob's own: Alice must never see it.
    { accountId: bob.id, fromAccountId: alice.id, type: 'follow', key: 'follow:alice' },
  ]
  for (const s of steps) await notify([s])
  // The same event twice notifies once.
  await notify([steps[0] as (typeof steps)[number]])
})
afterAll(async () => {
  await stack.dispose()
})

const ALL = ['update', 'mention', 'reblog', 'status', 'follow', 'mention', 'favourite']

describe('GET /api/v1/notifications', () => {
  it('lists the viewer’s notifications newest first, as Notification entities with their account and status', async () => {
    const res = await api('GET', '/api/v1/notifications', alice.token)
    expect(res.status).toBe(200)
    expect(types(res.body)).toEqual(ALL)
    for (const n of list(res.body)) expect(schemaErrors(mastodonValidator('Notification'), n)).toEqual([])
    const [update, direct, , , follow] = list(res.body)
    expect(update).toMatchObject({ account: { id: bob.id }, status: { id: sid(2) }, group_key: `ungrouped-${String(update?.id)}` })
    expect(direct).toMatchObject({ status: { id: sid(4), visibility: 'direct' } })
    expect(follow).toMatchObject({ account: { id: REMOTE, acct: 'remo@remote.example' } })
    expect(follow).not.toHaveProperty('status')
    // Token, the page of notifications, its accounts, its statuses and their authors, the viewer's follows.
    expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(60)
  })

  it('filters by types[], exclude_types[] and account_id', async () => {
    expect(types((await api('GET', '/api/v1/notifications?types[]=mention&types[]=favourite', alice.token)).body)).toEqual(['mention', 'mention', 'favourite'])
    expect(types((await api('GET', '/api/v1/notifications?exclude_types[]=mention&exclude_types[]=update', alice.token)).body)).toEqual(['reblog', 'status', 'follow', 'favourite'])
    expect(types((await api('GET', `/api/v1/notifications?account_id=${REMOTE}`, alice.token)).body)).toEqual(['reblog', 'follow'])
    expect((await api('GET', '/api/v1/notifications?account_id=nobody', alice.token)).body).toEqual([])
  })

  it('pages down and up with Link headers, without gaps or repeats', async () => {
    const down: unknown[] = []
    let next: string | null = '/api/v1/notifications?limit=2'
    for (let i = 0; next && i < 10; i++) {
      const page = await api('GET', next, alice.token)
      down.push(...types(page.body))
      next = list(page.body).length > 0 ? linkOf(page.headers, 'next') : null
    }
    expect(down).toEqual(ALL)
    const all = list((await api('GET', '/api/v1/notifications', alice.token)).body).map((n) => n.id)
    const up: unknown[] = []
    let prev: string | null = `/api/v1/notifications?limit=3&min_id=${String(all[all.length - 1])}`
    for (let i = 0; prev && i < 10; i++) {
      const page = await api('GET', prev, alice.token)
      up.unshift(...list(page.body).map((n) => n.id))
      prev = list(page.body).length > 0 ? linkOf(page.headers, 'prev') : null
    }
    expect(up).toEqual(all.slice(0, -1))
  })

  it('leaves out notifications whose status the viewer may no longer see', async () => {
    await stack.db.prepare("DELETE FROM follows WHERE id = '600'").run()
    // The followers-only post is gone from view; the direct one still mentions Alice.
    expect(types((await api('GET', '/api/v1/notifications', alice.token)).body)).toEqual(ALL.filter((t) => t !== 'status'))
    await stack.db.prepare(`INSERT INTO follows (id, account_id, target_account_id) VALUES ('600', '${alice.id}', '${bob.id}')`).run()
  })

  it('hides notifications from blocked accounts and from accounts muted with notifications', async () => {
    const fromBob = ALL.filter((t) => t !== 'follow' && t !== 'reblog').length
    await api('POST', `/api/v1/accounts/${bob.id}/block`, alice.token)
    expect(types((await api('GET', '/api/v1/notifications', alice.token)).body)).toEqual(['reblog', 'follow'])
    await api('POST', `/api/v1/accounts/${bob.id}/unblock`, alice.token)
    await stack.db.prepare(`INSERT INTO follows (id, account_id, target_account_id) VALUES ('600', '${alice.id}', '${bob.id}')`).run()
    await api('POST', `/api/v1/accounts/${bob.id}/mute`, alice.token, { notifications: false })
    expect(list((await api('GET', '/api/v1/notifications', alice.token)).body)).toHaveLength(ALL.length)
    await api('POST', `/api/v1/accounts/${bob.id}/mute`, alice.token, { notifications: true })
    expect(list((await api('GET', '/api/v1/notifications', alice.token)).body)).toHaveLength(ALL.length - fromBob)
    expect((await api('GET', '/api/v1/notifications/unread_count', alice.token)).body).toEqual({ count: ALL.length - fromBob })
    await api('POST', `/api/v1/accounts/${bob.id}/unmute`, alice.token)
    expect(list((await api('GET', '/api/v1/notifications', alice.token)).body)).toHaveLength(ALL.length)
  })
})

describe('one notification', () => {
  it('GET /api/v1/notifications/:id answers for the owner only', async () => {
    const [first] = list((await api('GET', '/api/v1/notifications', alice.token)).body)
    const one = await api('GET', `/api/v1/notifications/${String(first?.id)}`, alice.token)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(first)
    expect(schemaErrors(mastodonValidator('Notification'), one.body)).toEqual([])
    expect((await api('GET', `/api/v1/notifications/${String(first?.id)}`, bob.token)).status).toBe(404)
    expect((await api('GET', '/api/v1/notifications/123456', alice.token)).status).toBe(404)
    expect((await api('GET', '/api/v1/notifications/not-an-id', alice.token)).status).toBe(404)
  })

  it('dismiss removes only the owner’s notification', async () => {
    const [first] = list((await api('GET', '/api/v1/notifications', alice.token)).body)
    const id = String(first?.id)
    const before = await count('SELECT count(*) AS n FROM notifications')
    expect((await api('POST', `/api/v1/notifications/${id}/dismiss`, bob.token)).status).toBe(404)
    expect((await api('POST', `/api/v1/notifications/${id}/dismiss`, readOnly)).status).toBe(403)
    expect((await api('POST', '/api/v1/notifications/123456/dismiss', alice.token)).status).toBe(404)
    expect(await count('SELECT count(*) AS n FROM notifications')).toBe(before)
    const res = await api('POST', `/api/v1/notifications/${id}/dismiss`, alice.token)
    expect(res).toMatchObject({ status: 200, body: {} })
    expect(await count('SELECT count(*) AS n FROM notifications')).toBe(before - 1)
    expect((await api('GET', `/api/v1/notifications/${id}`, alice.token)).status).toBe(404)
  })
})

describe('unread_count and clear', () => {
  it('counts notifications newer than the read marker, up to limit', async () => {
    const all = list((await api('GET', '/api/v1/notifications', alice.token)).body).map((n) => String(n.id))
    expect((await api('GET', '/api/v1/notifications/unread_count', alice.token)).body).toEqual({ count: all.length })
    await stack.db.prepare("INSERT INTO markers (account_id, timeline, last_read_id) VALUES (?, 'notifications', ?)").bind(alice.id, all[2] ?? '').run()
    expect((await api('GET', '/api/v1/notifications/unread_count', alice.token)).body).toEqual({ count: 2 })
    expect((await api('GET', '/api/v1/notifications/unread_count?limit=1', alice.token)).body).toEqual({ count: 1 })
    expect((await api('GET', '/api/v1/notifications/unread_count?limit=x', alice.token)).status).toBe(400)
    expect((await api('GET', '/api/v1/notifications/unread_count', bob.token)).body).toEqual({ count: 1 })
  })

  it('clear empties the viewer’s notifications and no one else’s', async () => {
    expect((await api('POST', '/api/v1/notifications/clear', readOnly)).status).toBe(403)
    expect((await api('POST', '/api/v1/notifications/clear')).status).toBe(401)
    const res = await api('POST', '/api/v1/notifications/clear', alice.token)
    expect(res).toMatchObject({ status: 200, body: {} })
    expect((await api('GET', '/api/v1/notifications', alice.token)).body).toEqual([])
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', bob.id)).toBe(1)
  })

  it('needs read:notifications to read', async () => {
    expect((await api('GET', '/api/v1/notifications')).status).toBe(401)
    const writeOnly = (await registeredUserToken(stack, 'writer', 'write')).token
    expect((await api('GET', '/api/v1/notifications', writeOnly)).status).toBe(403)
    expect((await api('GET', '/api/v1/notifications/unread_count', writeOnly)).status).toBe(403)
  })
})
