// Grouped notifications (/api/v2/notifications), notification policies and requests, over HTTP
// against the whole stack. Notifications are made through backend/notifications/create.ts (the
// harness route), so group keys and policies are decided as they are in production.
import WebSocket from 'ws'
import { startStack, eventually, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { callApi, linkPath, peopleNamed } from '../helpers/api'

type NamedPerson = { token: string; id: string }
type Json = Record<string, unknown>
interface Group {
  group_key: string
  notifications_count: number
  type: string
  most_recent_notification_id: number
  page_min_id?: string
  page_max_id?: string
  sample_account_ids: string[]
  status_id?: string
}
interface Grouped {
  accounts: Json[]
  statuses: Json[]
  notification_groups: Group[]
  partial_accounts?: Json[]
}

let stack: Stack
let alice: NamedPerson
let bob: NamedPerson
let carol: NamedPerson
let dave: NamedPerson
let erin: NamedPerson
const REMOTE = '900'
const T0 = Date.UTC(2026, 4, 1)
let seq = 0
const sid = () => String(BigInt(T0 + ++seq * 1000) << 16n)
let post1 = ''
let post2 = ''
let mentionPost = ''

const api = (method: string, path: string, token?: string, body?: unknown) => callApi(stack, method, path, token, body)
const grouped = (body: unknown) => body as Grouped
const count = async (sql: string, ...binds: string[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? -1
const rowsRead = (headers: Headers) => Number(headers.get('x-herd-d1-rows-read'))

let keySeq = 0
async function notify(accountId: string, fromAccountId: string, type: string, statusId?: string) {
  const res = await stack.harness('/notifications/create', { method: 'POST', body: JSON.stringify({ items: [{ accountId, fromAccountId, type, statusId, key: `k:${++keySeq}` }] }) })
  expect(res.status).toBe(200)
}

async function addStatus(author: string, visibility = 'public', mentions: string[] = []): Promise<string> {
  const id = sid()
  await stack.db.batch([
    stack.db.prepare('INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES (?, ?, ?, 1, ?, ?)').bind(id, `https://h.example/${id}`, author, visibility, `<p>post ${id}</p>`),
    ...mentions.map((m) => stack.db.prepare('INSERT INTO status_mentions (status_id, account_id) VALUES (?, ?)').bind(id, m)),
  ])
  return id
}

beforeAll(async () => {
  stack = await startStack()
  ;[alice, bob, carol, dave, erin] = (await peopleNamed(stack, 'alice', 'bob', 'carol', 'dave', 'erin')) as [NamedPerson, NamedPerson, NamedPerson, NamedPerson, NamedPerson]
  await stack.db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES (?, 'remo', 'remote.example', 'https://remote.example/users/remo')").bind(REMOTE).run()
  post1 = await addStatus(alice.id)
  post2 = await addStatus(alice.id)
  mentionPost = await addStatus(bob.id, 'public', [alice.id])
  // Oldest first: three favourites of post1, a reblog of it, two follows, a mention, a favourite of post2.
  await notify(alice.id, bob.id, 'favourite', post1)
  await notify(alice.id, carol.id, 'favourite', post1)
  await notify(alice.id, bob.id, 'follow')
  await notify(alice.id, REMOTE, 'favourite', post1)
  await notify(alice.id, bob.id, 'reblog', post1)
  await notify(alice.id, carol.id, 'follow')
  await notify(alice.id, bob.id, 'mention', mentionPost)
  await notify(alice.id, carol.id, 'favourite', post2)
})
afterAll(async () => {
  await stack.dispose()
})

describe('GET /api/v2/notifications', () => {
  it('groups favourites and reblogs of a status and follows, newest group first, as GroupedNotificationsResults', async () => {
    const res = await api('GET', '/api/v2/notifications', alice.token)
    expect(res.status).toBe(200)
    expect(schemaErrors(mastodonValidator('GroupedNotificationsResults'), res.body)).toEqual([])
    const body = grouped(res.body)
    for (const g of body.notification_groups) expect(schemaErrors(mastodonValidator('NotificationGroup'), g)).toEqual([])
    expect(body.notification_groups.map((g) => [g.type, g.notifications_count])).toEqual([
      ['favourite', 1],
      ['mention', 1],
      ['follow', 2],
      ['reblog', 1],
      ['favourite', 3],
    ])
    const [fav2, mention, follows, reblog, fav1] = body.notification_groups as [Group, Group, Group, Group, Group]
    expect(fav1).toMatchObject({ status_id: post1, sample_account_ids: [REMOTE, carol.id, bob.id] })
    expect(fav1.group_key).toMatch(new RegExp(`^favourite-${post1}-\\d+$`))
    expect(reblog.group_key).toMatch(new RegExp(`^reblog-${post1}-\\d+$`))
    expect(follows.group_key).toMatch(/^follow-d\d+$/)
    expect(follows.sample_account_ids).toEqual([carol.id, bob.id])
    expect(follows).not.toHaveProperty('status_id')
    expect(mention.group_key).toBe(`ungrouped-${String(mention.page_max_id)}`)
    expect(fav2.status_id).toBe(post2)
    // Every account and status the groups name, once.
    expect(body.accounts.map((a) => a.id).sort()).toEqual([REMOTE, bob.id, carol.id].sort())
    expect(body.statuses.map((s) => s.id).sort()).toEqual([post1, post2, mentionPost].sort())
    // v1 shows the same stored keys.
    const v1 = (await api('GET', '/api/v1/notifications', alice.token)).body as Json[]
    expect(v1.filter((n) => n.group_key === fav1.group_key)).toHaveLength(3)
  })

  it('writes most_recent_notification_id as the bare integer of the schema, without losing digits', async () => {
    const res = await stack.fetch('/api/v2/notifications?limit=1', { headers: { Authorization: `Bearer ${alice.token}` } })
    const text = await res.text()
    const newest = (await api('GET', '/api/v1/notifications?limit=1', alice.token)).body as Json[]
    expect(text).toContain(`"most_recent_notification_id":${String(newest[0]?.id)}`)
  })

  it('groups only grouped_types[]; the others are ungrouped-<id>', async () => {
    const body = grouped((await api('GET', '/api/v2/notifications?grouped_types[]=favourite', alice.token)).body)
    const follows = body.notification_groups.filter((g) => g.type === 'follow')
    expect(follows).toHaveLength(2)
    for (const f of follows) expect(f.group_key).toBe(`ungrouped-${String(f.page_max_id)}`)
    expect(body.notification_groups.find((g) => g.status_id === post1 && g.type === 'favourite')?.notifications_count).toBe(3)
  })

  it('filters by types[], exclude_types[] and account_id', async () => {
    const types = async (q: string) => grouped((await api('GET', `/api/v2/notifications?${q}`, alice.token)).body).notification_groups.map((g) => g.type)
    expect(await types('types[]=follow&types[]=mention')).toEqual(['mention', 'follow'])
    expect(await types('exclude_types[]=favourite&exclude_types[]=follow')).toEqual(['mention', 'reblog'])
    const fromRemote = grouped((await api('GET', `/api/v2/notifications?account_id=${REMOTE}`, alice.token)).body)
    expect(fromRemote.notification_groups).toMatchObject([{ type: 'favourite', notifications_count: 1, sample_account_ids: [REMOTE] }])
    expect((await api('GET', '/api/v2/notifications?account_id=nobody', alice.token)).body).toMatchObject({ notification_groups: [] })
    expect((await api('GET', '/api/v2/notifications?expand_accounts=some', alice.token)).status).toBe(400)
    expect((await api('GET', '/api/v2/notifications?max_id=abc', alice.token)).status).toBe(400)
  })

  it('expand_accounts=partial_avatars renders only each group’s newest account in full', async () => {
    const res = await api('GET', '/api/v2/notifications?types[]=favourite&expand_accounts=partial_avatars', alice.token)
    expect(schemaErrors(mastodonValidator('GroupedNotificationsResults'), res.body)).toEqual([])
    const body = grouped(res.body)
    expect(body.accounts.map((a) => a.id).sort()).toEqual([REMOTE, carol.id].sort())
    expect(body.partial_accounts?.map((a) => a.id)).toEqual([bob.id])
  })

  it('pages with Link headers: every notification is in exactly one page’s range', async () => {
    let next: string | null = '/api/v2/notifications?limit=2'
    const seen: Group[] = []
    for (let i = 0; next && i < 10; i++) {
      const page = await api('GET', next, alice.token)
      const groups = grouped(page.body).notification_groups
      expect(groups.length).toBeLessThanOrEqual(2)
      seen.push(...groups)
      next = groups.length > 0 ? linkPath(page.headers, 'next') : null
    }
    expect(seen.reduce((n, g) => n + g.notifications_count, 0)).toBe(8)
    expect(new Set(seen.map((g) => g.group_key)).size).toBe(5)
    // Paging up from the oldest notification gives the newer ones back.
    const oldest = seen.map((g) => BigInt(g.page_min_id ?? '0')).reduce((a, b) => (a < b ? a : b))
    const up = grouped((await api('GET', `/api/v2/notifications?min_id=${oldest}&limit=40`, alice.token)).body)
    expect(up.notification_groups.reduce((n, g) => n + g.notifications_count, 0)).toBe(7)
  })

  it('one group, its accounts, and dismissing it', async () => {
    const fav1 = grouped((await api('GET', '/api/v2/notifications', alice.token)).body).notification_groups.find((g) => g.status_id === post1 && g.type === 'favourite') as Group
    const one = await api('GET', `/api/v2/notifications/${fav1.group_key}`, alice.token)
    expect(one.status).toBe(200)
    expect(schemaErrors(mastodonValidator('GroupedNotificationsResults'), one.body)).toEqual([])
    expect(grouped(one.body).notification_groups).toMatchObject([{ group_key: fav1.group_key, notifications_count: 3 }])
    const accounts = await api('GET', `/api/v2/notifications/${fav1.group_key}/accounts`, alice.token)
    expect((accounts.body as Json[]).map((a) => a.id)).toEqual([REMOTE, carol.id, bob.id])
    for (const a of accounts.body as Json[]) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
    const page = await api('GET', `/api/v2/notifications/${fav1.group_key}/accounts?limit=2`, alice.token)
    expect((page.body as Json[]).map((a) => a.id)).toEqual([REMOTE, carol.id])
    const rest = await api('GET', String(linkPath(page.headers, 'next')), alice.token)
    expect((rest.body as Json[]).map((a) => a.id)).toEqual([bob.id])
    // Someone else's group, or none: 404.
    expect((await api('GET', `/api/v2/notifications/${fav1.group_key}`, bob.token)).status).toBe(404)
    expect((await api('GET', '/api/v2/notifications/nonsense-key', alice.token)).status).toBe(404)
    expect((await api('POST', `/api/v2/notifications/${fav1.group_key}/dismiss`, bob.token)).status).toBe(404)
    const before = await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', alice.id)
    expect(await api('POST', `/api/v2/notifications/${fav1.group_key}/dismiss`, alice.token)).toMatchObject({ status: 200, body: {} })
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', alice.id)).toBe(before - 3)
    expect((await api('GET', `/api/v2/notifications/${fav1.group_key}`, alice.token)).status).toBe(404)
    // An ungrouped one by its key.
    const mention = grouped((await api('GET', '/api/v2/notifications?types[]=mention', alice.token)).body).notification_groups[0] as Group
    expect((await api('GET', `/api/v2/notifications/${mention.group_key}`, alice.token)).status).toBe(200)
  })

  it('unread_count (v1: notifications, v2: groups) is relative to the notifications marker', async () => {
    expect((await api('GET', '/api/v2/notifications/unread_count', alice.token)).body).toEqual({ count: 4 })
    expect((await api('GET', '/api/v1/notifications/unread_count', alice.token)).body).toEqual({ count: 5 })
    const v1 = (await api('GET', '/api/v1/notifications', alice.token)).body as Json[]
    // Read up to the first follow: the reblog, the second follow, the mention and the favourite of post2 are unread.
    const firstFollow = v1.filter((n) => n.type === 'follow').pop()
    expect((await api('POST', '/api/v1/markers', alice.token, { notifications: { last_read_id: firstFollow?.id } })).status).toBe(200)
    expect((await api('GET', '/api/v2/notifications/unread_count', alice.token)).body).toEqual({ count: 4 })
    expect((await api('GET', '/api/v1/notifications/unread_count', alice.token)).body).toEqual({ count: 4 })
    expect((await api('GET', '/api/v2/notifications/unread_count?limit=2', alice.token)).body).toEqual({ count: 2 })
    expect((await api('GET', '/api/v2/notifications/unread_count?limit=x', alice.token)).status).toBe(400)
  })

  it('a page reads a bounded number of rows however big the groups and the history are', async () => {
    const big = await addStatus(erin.id)
    // 600 favourites of one post, then 200 follows (each its own group), all for erin.
    const base = BigInt(Date.UTC(2026, 5, 1)) << 16n
    await stack.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 799)
         INSERT INTO notifications (id, account_id, from_account_id, type, status_id, dedupe_key, group_key)
         SELECT CAST(?1 + i * 65536000 AS TEXT), ?2, CASE i % 2 WHEN 1 THEN ?3 ELSE ?4 END,
                CASE WHEN i < 600 THEN 'favourite' ELSE 'follow' END, CASE WHEN i < 600 THEN ?5 END, 'bulk:' || i,
                CASE WHEN i < 600 THEN 'favourite-' || ?5 || '-1' ELSE 'follow-d' || i END
           FROM n`,
      )
      .bind(String(base), erin.id, bob.id, carol.id, big)
      .run()
    const page = await api('GET', '/api/v2/notifications?limit=5', erin.token)
    expect(grouped(page.body).notification_groups).toHaveLength(5)
    // Measured: 26 (token, 20 notifications, 2 accounts).
    expect(rowsRead(page.headers)).toBeLessThanOrEqual(40)
    const deep = await api('GET', '/api/v2/notifications?types[]=favourite&limit=5', erin.token)
    // One group of 600: the page stops after its chunks (4 × 20 rows); page_min_id says how far it got.
    expect(grouped(deep.body).notification_groups).toMatchObject([{ type: 'favourite', notifications_count: 80 }])
    // Measured: 93.
    expect(rowsRead(deep.headers)).toBeLessThanOrEqual(110)
    // unread_count counts the groups among the newest `limit` unread notifications (default 100).
    const capped = await api('GET', '/api/v2/notifications/unread_count', erin.token)
    expect(capped.body).toEqual({ count: 100 })
    expect(rowsRead(capped.headers)).toBeLessThanOrEqual(110)
    expect((await api('GET', '/api/v2/notifications/unread_count?limit=1000', erin.token)).body).toEqual({ count: 201 })
  })
})

describe('notification policy and requests', () => {
  it('GET answers Mastodon’s defaults in both shapes', async () => {
    const v2 = await api('GET', '/api/v2/notifications/policy', dave.token)
    expect(v2.status).toBe(200)
    expect(schemaErrors(mastodonValidator('NotificationPolicy'), v2.body)).toEqual([])
    expect(v2.body).toEqual({
      for_not_following: 'accept',
      for_not_followers: 'accept',
      for_new_accounts: 'accept',
      for_private_mentions: 'filter',
      for_limited_accounts: 'filter',
      summary: { pending_requests_count: 0, pending_notifications_count: 0 },
    })
    const v1 = await api('GET', '/api/v1/notifications/policy', dave.token)
    expect(schemaErrors(mastodonValidator('V1NotificationPolicy'), v1.body)).toEqual([])
    expect(v1.body).toMatchObject({ filter_not_following: false, filter_private_mentions: true })
    expect((await api('GET', '/api/v2/notifications/policy')).status).toBe(401)
  })

  it('PATCH refuses bad values without changing anything, and both shapes edit the same policy', async () => {
    const bad = await api('PATCH', '/api/v2/notifications/policy', dave.token, { for_not_following: 'filter', for_new_accounts: 'sometimes' })
    expect(bad.status).toBe(422)
    expect(bad.body).toHaveProperty('error')
    expect((await api('GET', '/api/v2/notifications/policy', dave.token)).body).toMatchObject({ for_not_following: 'accept' })
    expect((await api('PATCH', '/api/v1/notifications/policy', dave.token, { filter_new_accounts: 'maybe' })).status).toBe(422)
    const v1 = await api('PATCH', '/api/v1/notifications/policy', dave.token, { filter_not_following: true })
    expect(v1.body).toMatchObject({ filter_not_following: true })
    const v2 = await api('PATCH', '/api/v2/notifications/policy', dave.token, { for_not_followers: 'drop' })
    expect(v2.status).toBe(200)
    expect(v2.body).toMatchObject({ for_not_following: 'filter', for_not_followers: 'drop', for_private_mentions: 'filter' })
  })

  it('filters notifications from strangers into a request per sender, drops what the policy drops, and neither streams them', async () => {
    // dave follows bob; carol and erin follow dave (so for_not_followers does not drop them); bob does not follow dave.
    await stack.db.batch([
      stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ('701', ?, ?, '2026-01-01T00:00:00.000Z')").bind(dave.id, bob.id),
      stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ('702', ?, ?, '2026-01-01T00:00:00.000Z')").bind(carol.id, dave.id),
      stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ('703', ?, ?, '2026-01-01T00:00:00.000Z')").bind(erin.id, dave.id),
      stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ('704', ?, ?, '2026-01-01T00:00:00.000Z')").bind(dave.id, REMOTE),
    ])
    const post = await addStatus(dave.id)
    const ws = await openStream(dave.token)
    await notify(dave.id, carol.id, 'favourite', post) // not followed by dave: filtered
    await notify(dave.id, carol.id, 'reblog', post) // filtered, same request
    await notify(dave.id, erin.id, 'follow') // filtered, another request
    await notify(dave.id, alice.id, 'favourite', post) // alice neither followed nor a follower: dropped
    await notify(dave.id, REMOTE, 'favourite', post) // followed but not a follower: dropped (drop beats accept)
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ('705', ?, ?, '2026-01-01T00:00:00.000Z')").bind(bob.id, dave.id).run()
    await notify(dave.id, bob.id, 'favourite', post) // followed and a follower: listed
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', dave.id)).toBe(4)
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND filtered = 1', dave.id)).toBe(3)
    const listed = grouped((await api('GET', '/api/v2/notifications', dave.token)).body).notification_groups
    expect(listed).toMatchObject([{ type: 'favourite', sample_account_ids: [bob.id], notifications_count: 1 }])
    expect(((await api('GET', '/api/v1/notifications', dave.token)).body as Json[]).map((n) => (n.account as Json).id)).toEqual([bob.id])
    expect((await api('GET', '/api/v1/notifications/unread_count', dave.token)).body).toEqual({ count: 1 })
    const withFiltered = (await api('GET', '/api/v1/notifications?include_filtered=true', dave.token)).body as Json[]
    expect(withFiltered.map((n) => (n.account as Json).id)).toEqual([bob.id, erin.id, carol.id, carol.id])
    // Only bob's reached the stream: wait for it, then look for the others.
    const frame = await eventually(async () => ws.frames.find((f) => f.event === 'notification'), 'bob’s notification on the stream')
    expect(JSON.parse(String(frame.payload))).toMatchObject({ account: { id: bob.id } })
    await new Promise((r) => setTimeout(r, 500))
    expect(ws.frames.filter((f) => f.event === 'notification')).toHaveLength(1)
    ws.close()

    const requests = await api('GET', '/api/v1/notifications/requests', dave.token)
    expect(requests.status).toBe(200)
    for (const r of requests.body as Json[]) expect(schemaErrors(mastodonValidator('NotificationRequest'), r)).toEqual([])
    expect((requests.body as Json[]).map((r) => [(r.account as Json).id, r.notifications_count])).toEqual([
      [erin.id, '1'],
      [carol.id, '2'],
    ])
    expect((requests.body as Json[])[1]).toMatchObject({ last_status: { id: post } })
    expect((await api('GET', '/api/v2/notifications/policy', dave.token)).body).toMatchObject({ summary: { pending_requests_count: 2, pending_notifications_count: 3 } })
    const paged = await api('GET', '/api/v1/notifications/requests?limit=1', dave.token)
    expect((paged.body as Json[]).map((r) => (r.account as Json).id)).toEqual([erin.id])
    const next = await api('GET', String(linkPath(paged.headers, 'next')), dave.token)
    expect((next.body as Json[]).map((r) => (r.account as Json).id)).toEqual([carol.id])
  })

  it('accepting a request lists its notifications and lets the sender through from then on', async () => {
    const requests = (await api('GET', '/api/v1/notifications/requests', dave.token)).body as Json[]
    const fromCarol = requests.find((r) => (r.account as Json).id === carol.id) as Json
    const one = await api('GET', `/api/v1/notifications/requests/${String(fromCarol.id)}`, dave.token)
    expect(one.body).toMatchObject({ id: fromCarol.id, notifications_count: '2' })
    expect((await api('GET', `/api/v1/notifications/requests/${String(fromCarol.id)}`, bob.token)).status).toBe(404)
    expect((await api('POST', `/api/v1/notifications/requests/${String(fromCarol.id)}/accept`, bob.token)).status).toBe(404)
    expect(await api('POST', `/api/v1/notifications/requests/${String(fromCarol.id)}/accept`, dave.token)).toMatchObject({ status: 200, body: {} })
    expect((await api('GET', `/api/v1/notifications/requests/${String(fromCarol.id)}`, dave.token)).status).toBe(404)
    const types = () => api('GET', '/api/v2/notifications', dave.token).then((r) => grouped(r.body).notification_groups.map((g) => [g.type, g.sample_account_ids]))
    expect(await types()).toEqual([
      ['favourite', [bob.id, carol.id]],
      ['reblog', [carol.id]],
    ])
    await notify(dave.id, carol.id, 'follow')
    expect((await types())[0]).toEqual(['follow', [carol.id]])
    expect((await api('POST', '/api/v1/notifications/requests/123/accept', dave.token)).status).toBe(404)
  })

  it('dismissing a request deletes its filtered notifications; bulk forms take id[]', async () => {
    const [fromErin] = (await api('GET', '/api/v1/notifications/requests', dave.token)).body as Json[]
    expect(await api('POST', `/api/v1/notifications/requests/${String(fromErin?.id)}/dismiss`, dave.token)).toMatchObject({ status: 200, body: {} })
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND from_account_id = ?', dave.id, erin.id)).toBe(0)
    expect((await api('GET', '/api/v1/notifications/requests', dave.token)).body).toEqual([])
    // Two new requests (erin again, and the remote account once dave stops dropping non-followers).
    await api('PATCH', '/api/v2/notifications/policy', dave.token, { for_not_followers: 'filter', for_not_following: 'accept' })
    await notify(dave.id, erin.id, 'mention', await addStatus(erin.id, 'direct', [dave.id]))
    await notify(dave.id, alice.id, 'follow')
    const pending = (await api('GET', '/api/v1/notifications/requests', dave.token)).body as Json[]
    expect(pending.map((r) => (r.account as Json).id)).toEqual([alice.id, erin.id])
    expect((await api('POST', '/api/v1/notifications/requests/accept', dave.token, {})).status).toBe(422)
    expect((await api('POST', '/api/v1/notifications/requests/accept', dave.token, { id: Array.from({ length: 101 }, (_, i) => String(i + 1)) })).status).toBe(422)
    expect(await count('SELECT count(*) AS n FROM notification_requests WHERE account_id = ?', dave.id)).toBe(2)
    expect((await api('POST', '/api/v1/notifications/requests/dismiss', dave.token, { id: [pending[0]?.id, 'junk'] })).status).toBe(200)
    expect((await api('POST', '/api/v1/notifications/requests/accept', dave.token, { id: [pending[1]?.id] })).status).toBe(200)
    expect((await api('GET', '/api/v1/notifications/requests', dave.token)).body).toEqual([])
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND from_account_id = ?', dave.id, alice.id)).toBe(0)
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND from_account_id = ? AND filtered = 0', dave.id, erin.id)).toBe(1)
    expect((await api('GET', '/api/v1/notifications/requests/merged', dave.token)).body).toEqual({ merged: true })
  })

  it('needs the notifications scopes', async () => {
    expect((await api('GET', '/api/v1/notifications/requests')).status).toBe(401)
    expect((await api('PATCH', '/api/v2/notifications/policy', undefined, { for_not_following: 'drop' })).status).toBe(401)
  })
})

interface Frame {
  event?: string
  payload?: string
}

async function openStream(token: string): Promise<{ frames: Frame[]; close: () => void }> {
  const u = new URL('/api/v1/streaming?stream=user:notification', stack.url)
  u.protocol = 'ws:'
  const ws = new WebSocket(u.href, { headers: { Authorization: `Bearer ${token}` } })
  const frames: Frame[] = []
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  // The subscription is held once the shard counts it.
  await eventually(async () => {
    const res = await stack.harness('/streaming/subscribers')
    return ((await res.json()) as { subscriptions: number }).subscriptions > 0
  }, 'the subscription')
  return { frames, close: () => ws.close() }
}
