// The smaller client methods of issue #6 that need no posting: markers, instance extras, the
// directory, suggestions, familiar followers, announcements, reports and per-person domain blocks.
import { eventually, startStack, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
let owner: { token: string; accountId: string }
let ann: { token: string; accountId: string }
let ben: { token: string; accountId: string }
let remoteId = ''

const auth = (t: string, extra: Record<string, string> = {}) => ({ headers: { Authorization: `Bearer ${t}`, ...extra } })
const json = (t: string, method: string, body: unknown) => ({ method, headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
const count = async (sql: string, ...binds: unknown[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? 0

beforeAll(async () => {
  stack = await startStack()
  owner = await registeredUserToken(stack, 'shepherd', 'read write follow push admin:read admin:write')
  ann = await registeredUserToken(stack, 'ann', 'read write follow')
  ben = await registeredUserToken(stack, 'ben', 'read write follow')
  remoteId = '900000000000000100'
  await stack.db.batch([
    stack.db.prepare("INSERT INTO accounts (id, username, domain, uri, last_status_at) VALUES (?, 'goat', 'remote.example', 'https://remote.example/users/goat', '2026-11-01T00:00:00.000Z')").bind(remoteId),
    stack.db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES ('900000000000000101', 'spammer', 'spam.example', 'https://spam.example/users/s')"),
    stack.db.prepare("INSERT INTO instance_domain_blocks (domain, severity, public_comment) VALUES ('spam.example', 'suspend', 'Spam farm')"),
    stack.db.prepare("UPDATE accounts SET last_status_at = '2026-11-20T00:00:00.000Z' WHERE id = ?").bind(ann.accountId),
    stack.db.prepare("UPDATE accounts SET last_status_at = '2026-11-21T00:00:00.000Z' WHERE id = ?").bind(ben.accountId),
  ])
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
})

describe('markers', () => {
  const validate = mastodonValidator('Marker')

  it('saves each timeline with a growing version and reads them back', async () => {
    expect(await (await stack.fetch('/api/v1/markers?timeline[]=home', auth(ann.token))).json()).toEqual({})
    const first = await stack.fetch('/api/v1/markers', json(ann.token, 'POST', { home: { last_read_id: '113000000000000001' } }))
    expect(first.status).toBe(200)
    const a = (await first.json()) as Record<string, { version: number; last_read_id: string }>
    expect(Object.keys(a)).toEqual(['home'])
    expect(schemaErrors(validate, a.home)).toEqual([])
    expect(a.home).toMatchObject({ last_read_id: '113000000000000001', version: 0 })
    const second = await stack.fetch('/api/v1/markers', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'home[last_read_id]=113000000000000005&notifications[last_read_id]=113000000000000009',
    })
    const b = (await second.json()) as Record<string, { version: number; last_read_id: string }>
    expect(b.home).toMatchObject({ last_read_id: '113000000000000005', version: 1 })
    expect(b.notifications).toMatchObject({ last_read_id: '113000000000000009', version: 0 })
    const both = (await (await stack.fetch('/api/v1/markers?timeline[]=home&timeline[]=notifications', auth(ann.token))).json()) as Record<string, unknown>
    expect(both).toEqual(b)
    // Another person's markers are their own.
    expect(await (await stack.fetch('/api/v1/markers', auth(ben.token))).json()).toEqual({})
  })

  it('refuses a bad id with 422 and changes nothing', async () => {
    const res = await stack.fetch('/api/v1/markers', json(ann.token, 'POST', { home: { last_read_id: 'not-an-id' }, notifications: { last_read_id: '1' } }))
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ error: expect.any(String) })
    const markers = (await (await stack.fetch('/api/v1/markers', auth(ann.token))).json()) as Record<string, { version: number }>
    expect(markers.notifications?.version).toBe(0)
    expect((await stack.fetch('/api/v1/markers', json(ann.token, 'POST', {}))).status).toBe(400)
    expect((await stack.fetch('/api/v1/markers')).status).toBe(401)
  })
})

describe('instance extras', () => {
  it('lists peers without suspended domains', async () => {
    const res = await stack.fetch('/api/v1/instance/peers')
    expect(await res.json()).toEqual(['remote.example'])
  })

  it('reports twelve weeks of activity from counters, this week first', async () => {
    const res = await stack.fetch('/api/v1/instance/activity')
    const weeks = (await res.json()) as Array<{ week: string; statuses: string; logins: string; registrations: string }>
    expect(weeks).toHaveLength(12)
    expect(Number(weeks[0]?.registrations)).toBe(3)
    expect(Number(weeks[0]?.week)).toBeLessThanOrEqual(Date.now() / 1000)
    expect(Number(weeks[0]?.week) - Number(weeks[1]?.week)).toBe(7 * 86400)
    // Twelve week rows and one more probe of the index: never a scan of statuses or accounts.
    expect(Number(res.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(13)
  })

  it('serves rules, the extended description and the public domain blocks', async () => {
    await stack.harness('/instance/settings', {
      method: 'POST',
      body: JSON.stringify({ description: 'A meadow for sheep.\n\nBe kind <3', rules: [{ text: 'No spam', hint: 'None at all' }] }),
    })
    const rules = (await (await stack.fetch('/api/v1/instance/rules')).json()) as unknown[]
    expect(rules).toEqual([{ id: expect.any(String), text: 'No spam', hint: 'None at all' }])
    for (const r of rules) expect(schemaErrors(mastodonValidator('Rule'), r)).toEqual([])
    const ext = await (await stack.fetch('/api/v1/instance/extended_description')).json()
    expect(schemaErrors(mastodonValidator('ExtendedDescription'), ext)).toEqual([])
    expect(ext).toMatchObject({ content: '<p>A meadow for sheep.</p><p>Be kind &lt;3</p>' })
    const blocks = (await (await stack.fetch('/api/v1/instance/domain_blocks')).json()) as unknown[]
    expect(blocks).toEqual([{ domain: 'spam.example', digest: expect.stringMatching(/^[0-9a-f]{64}$/), severity: 'suspend', comment: 'Spam farm' }])
    for (const b of blocks) expect(schemaErrors(mastodonValidator('DomainBlock'), b)).toEqual([])
  })
})

describe('directory, suggestions and familiar followers', () => {
  it('lists discoverable accounts by activity or age, locally or everywhere', async () => {
    const active = (await (await stack.fetch('/api/v1/directory?order=active')).json()) as Array<{ username: string }>
    expect(active.map((a) => a.username)).toEqual(['ben', 'ann', 'goat'])
    const local = (await (await stack.fetch('/api/v1/directory?order=active&local=true&limit=1&offset=1')).json()) as Array<{ username: string }>
    expect(local.map((a) => a.username)).toEqual(['ann'])
    const fresh = (await (await stack.fetch('/api/v1/directory?order=new&local=true')).json()) as Array<{ username: string }>
    expect(fresh.map((a) => a.username)).toEqual(['ben', 'ann', 'shepherd'])
    for (const a of fresh) expect(schemaErrors(mastodonValidator('Account'), a)).toEqual([])
    expect((await stack.fetch('/api/v1/directory?offset=-1')).status).toBe(400)
  })

  it('suggests active local accounts the person does not follow yet', async () => {
    const v1 = (await (await stack.fetch('/api/v1/suggestions', auth(owner.token))).json()) as Array<{ username: string }>
    expect(v1.map((a) => a.username)).toEqual(['ben', 'ann'])
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('900000000000000200', ?, ?)").bind(owner.accountId, ben.accountId).run()
    const v2 = (await (await stack.fetch('/api/v2/suggestions', auth(owner.token))).json()) as Array<{ account: { username: string } }>
    expect(v2.map((s) => s.account.username)).toEqual(['ann'])
    for (const s of v2) expect(schemaErrors(mastodonValidator('Suggestion'), s)).toEqual([])
  })

  it('finds the followed accounts that also follow someone', async () => {
    await stack.db.batch([
      stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('900000000000000201', ?, ?)").bind(ben.accountId, remoteId),
      stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('900000000000000202', ?, ?)").bind(ann.accountId, remoteId),
    ])
    const res = (await (await stack.fetch(`/api/v1/accounts/familiar_followers?id[]=${remoteId}&id[]=${ann.accountId}`, auth(owner.token))).json()) as Array<{ id: string; accounts: Array<{ username: string }> }>
    expect(res.map((f) => [f.id, f.accounts.map((a) => a.username)])).toEqual([
      [remoteId, ['ben']],
      [ann.accountId, []],
    ])
    for (const f of res) expect(schemaErrors(mastodonValidator('FamiliarFollowers'), f)).toEqual([])
  })
})

describe('announcements', () => {
  let id = ''
  it('lets only the admin publish them', async () => {
    const refused = await stack.fetch('/api/v1/admin/announcements', json(ann.token, 'POST', { text: 'Hi' }))
    expect(refused.status).toBe(403)
    const bad = await stack.fetch('/api/v1/admin/announcements', json(owner.token, 'POST', { text: '  ' }))
    expect(bad.status).toBe(422)
    expect(await count('SELECT count(*) AS n FROM announcements')).toBe(0)
    const res = await stack.fetch('/api/v1/admin/announcements', json(owner.token, 'POST', { text: 'Maintenance tonight <b>soon</b>' }))
    expect(res.status).toBe(200)
    id = String(((await res.json()) as { id: string }).id)
  })

  it('shows them with reactions, and hides dismissed ones', async () => {
    expect((await stack.fetch(`/api/v1/announcements/${id}/reactions/${encodeURIComponent('🐑')}`, { method: 'PUT', ...auth(ann.token) })).status).toBe(200)
    expect((await stack.fetch(`/api/v1/announcements/${id}/reactions/${encodeURIComponent('🐑')}`, { method: 'PUT', ...auth(ben.token) })).status).toBe(200)
    const bad = await stack.fetch(`/api/v1/announcements/${id}/reactions/notanemoji`, { method: 'PUT', ...auth(ann.token) })
    expect(bad.status).toBe(422)
    const list = (await (await stack.fetch('/api/v1/announcements', auth(ann.token))).json()) as Array<Record<string, unknown>>
    expect(list).toHaveLength(1)
    expect(schemaErrors(mastodonValidator('Announcement'), list[0])).toEqual([])
    expect(list[0]).toMatchObject({ id, content: '<p>Maintenance tonight &lt;b&gt;soon&lt;/b&gt;</p>', read: false, reactions: [{ name: '🐑', count: 2, me: true }] })
    await stack.fetch(`/api/v1/announcements/${id}/reactions/${encodeURIComponent('🐑')}`, { method: 'DELETE', ...auth(ann.token) })
    expect((await stack.fetch(`/api/v1/announcements/${id}/dismiss`, { method: 'POST', ...auth(ann.token) })).status).toBe(200)
    expect(await (await stack.fetch('/api/v1/announcements', auth(ann.token))).json()).toEqual([])
    const all = (await (await stack.fetch('/api/v1/announcements?with_dismissed=true', auth(ann.token))).json()) as Array<Record<string, unknown>>
    expect(all[0]).toMatchObject({ read: true, reactions: [{ name: '🐑', count: 1, me: false }] })
    expect((await stack.fetch('/api/v1/announcements/1/dismiss', { method: 'POST', ...auth(ann.token) })).status).toBe(404)
  })
})

describe('reports', () => {
  it('files a report and notifies the admin', async () => {
    const res = await stack.fetch('/api/v1/reports', json(ann.token, 'POST', { account_id: remoteId, comment: 'Spam', category: 'spam', forward: true }))
    expect(res.status).toBe(200)
    const report = (await res.json()) as Record<string, unknown>
    expect(schemaErrors(mastodonValidator('Report'), report)).toEqual([])
    expect(report).toMatchObject({ category: 'spam', comment: 'Spam', forwarded: true, action_taken: false, target_account: { id: remoteId } })
    await eventually(async () => (await count("SELECT count(*) AS n FROM notifications WHERE account_id = ? AND type = 'admin.report'", owner.accountId)) === 1, 'the admin notification')
  })

  it.each([
    ['no account', {}],
    ['oneself', { account_id: 'SELF' }],
    ['an unknown category', { account_id: 'REMOTE', category: 'rude' }],
    ['a status of someone else', { account_id: 'REMOTE', status_ids: ['113000000000000001'] }],
    ['a violation without rules', { account_id: 'REMOTE', category: 'violation' }],
    ['a comment that is too long', { account_id: 'REMOTE', comment: 'x'.repeat(1001) }],
  ])('refuses %s and stores nothing', async (_what, body) => {
    const before = await count('SELECT count(*) AS n FROM reports')
    const filled = JSON.parse(JSON.stringify(body).replace('SELF', ann.accountId).replace('REMOTE', remoteId)) as unknown
    const res = await stack.fetch('/api/v1/reports', json(ann.token, 'POST', filled))
    expect(res.status).toBe(422)
    expect(await count('SELECT count(*) AS n FROM reports')).toBe(before)
  })

  it('answers 404 for an unknown account', async () => {
    expect((await stack.fetch('/api/v1/reports', json(ann.token, 'POST', { account_id: '1' }))).status).toBe(404)
  })
})

describe('domain blocks of one person', () => {
  it('blocks a domain, ending follows both ways, and lists and removes it', async () => {
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('900000000000000203', ?, ?)").bind(remoteId, ben.accountId).run()
    const res = await stack.fetch('/api/v1/domain_blocks', json(ben.token, 'POST', { domain: 'https://Remote.Example/' }))
    expect(res.status).toBe(200)
    expect(await count('SELECT count(*) AS n FROM follows WHERE (account_id = ?1 AND target_account_id = ?2) OR (account_id = ?2 AND target_account_id = ?1)', ben.accountId, remoteId)).toBe(0)
    expect(await (await stack.fetch('/api/v1/domain_blocks', auth(ben.token))).json()).toEqual(['remote.example'])
    // Notifications from the domain are dropped.
    await stack.harness('/notifications/create', { method: 'POST', body: JSON.stringify({ items: [{ accountId: ben.accountId, fromAccountId: remoteId, type: 'follow', key: 'follow:x' }] }) })
    expect(await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?', ben.accountId)).toBe(0)
    expect((await stack.fetch('/api/v1/domain_blocks?domain=remote.example', { method: 'DELETE', ...auth(ben.token) })).status).toBe(200)
    expect(await (await stack.fetch('/api/v1/domain_blocks', auth(ben.token))).json()).toEqual([])
  })

  it('refuses a domain that is not one, and our own', async () => {
    expect((await stack.fetch('/api/v1/domain_blocks', json(ben.token, 'POST', { domain: 'not a domain' }))).status).toBe(422)
    expect((await stack.fetch('/api/v1/domain_blocks', json(ben.token, 'POST', { domain: '127.0.0.1' }))).status).toBe(422)
    expect(await count('SELECT count(*) AS n FROM account_domain_blocks WHERE account_id = ?', ben.accountId)).toBe(0)
  })
})
