import { startStack, type Stack } from '../helpers/stack'
type NamedPerson = { token: string; id: string }
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { peopleNamed } from '../helpers/api'

// Who sees what: Alice follows Bob (local) and Y (remote); she blocks X, mutes Bob, and Z blocks her.
// Carol follows no one. Every timeline leaves out what Alice may not see, and nothing else.
let stack: Stack
let alice: NamedPerson
let bob: NamedPerson
let carol: NamedPerson
const X = '900'
const Y = '901'
const Z = '902'
const T0 = Date.UTC(2026, 5, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)

type Json = Record<string, unknown>
const get = async (path: string, token?: string) => {
  const res = await stack.fetch(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {})
  expect(res.status).toBe(200)
  const body = (await res.json()) as Json[]
  return { body, rows: Number(res.headers.get('x-herd-d1-rows-read')) }
}
/** The statuses' numbers (n of sid(n)), in order. */
const nums = (body: Json[]) => body.map((s) => Array.from({ length: 30 }, (_, i) => i).find((n) => sid(n) === s.id) ?? String(s.id))
const fanOut = async (n: number) => {
  const res = await stack.harness('/timelines/fan-out', { method: 'POST', body: JSON.stringify({ statusId: sid(n) }) })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  stack = await startStack()
  ;[alice, bob, carol] = (await peopleNamed(stack, 'alice', 'bob', 'carol')) as [NamedPerson, NamedPerson, NamedPerson]
  const db = stack.db
  const status = (n: number, author: string, visibility = 'public', extra: { reply?: number; reblog?: number } = {}) =>
    db
      .prepare('INSERT INTO statuses (id, uri, account_id, local, visibility, content, in_reply_to_id, reblog_of_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(sid(n), `https://h.example/s/${n}`, author, author.length > 3 ? 1 : 0, visibility, `<p>${n}</p>`, extra.reply ? sid(extra.reply) : null, extra.reblog ? sid(extra.reblog) : null)
  await db.batch([
    db.prepare(`INSERT INTO accounts (id, username, domain, uri) VALUES ('${X}', 'x', 'x.example', 'https://x.example/u/x'), ('${Y}', 'y', 'y.example', 'https://y.example/u/y'), ('${Z}', 'z', 'z.example', 'https://z.example/u/z')`),
    db.prepare(`INSERT INTO follows (id, account_id, target_account_id) VALUES ('601', '${alice.id}', '${bob.id}'), ('602', '${alice.id}', '${Y}')`),
    status(1, bob.id),
    status(2, X),
    status(3, Y),
    status(4, Z),
    status(5, Y, 'public', { reblog: 2 }),
    status(6, bob.id, 'private'),
    status(7, bob.id, 'direct'),
    status(8, bob.id, 'direct'),
    status(9, Y, 'public', { reply: 2 }),
    status(11, bob.id, 'public', { reply: 3 }),
    status(13, X, 'public', { reply: 3 }),
    status(15, carol.id, 'private', { reply: 3 }),
    status(16, Y, 'public', { reply: 3 }),
    status(17, Y, 'public', { reblog: 1 }),
    db.prepare(`INSERT INTO status_mentions (status_id, account_id) VALUES ('${sid(7)}', '${alice.id}')`),
    db.prepare("INSERT INTO tags (id, name) VALUES ('1', 'herd')"),
    db.prepare(`INSERT INTO status_tags (tag_id, status_id) VALUES ('1', '${sid(1)}'), ('1', '${sid(2)}'), ('1', '${sid(3)}'), ('1', '${sid(4)}')`),
    db.prepare(`INSERT INTO status_pins (account_id, status_id, created_at) VALUES ('${bob.id}', '${sid(1)}', '2026-01-01T00:00:00.000Z'), ('${bob.id}', '${sid(6)}', '2026-01-02T00:00:00.000Z')`),
    // Z blocks Alice (as an inbound Block would record it).
    db.prepare(`INSERT INTO blocks (id, account_id, target_account_id) VALUES ('700', '${Z}', '${alice.id}')`),
  ])
  for (const n of [1, 3, 5, 6, 9, 11, 16, 17]) await fanOut(n)
  for (const [path, token] of [[`/api/v1/accounts/${X}/block`, alice.token], [`/api/v1/accounts/${bob.id}/mute`, alice.token]] as const) {
    const res = await stack.fetch(path, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
  }
  // Bob posts after the mute: the post still reaches Alice's feed, and the read filters it.
  await db.batch([status(12, bob.id)])
  await fanOut(12)
})
afterAll(async () => {
  await stack.dispose()
})

describe('public and tag timelines', () => {
  it('leave out blocked, blocking and muted accounts for the viewer only', async () => {
    expect(nums((await get('/api/v1/timelines/public')).body)).toEqual([16, 13, 12, 11, 9, 4, 3, 2, 1])
    const signedIn = await get('/api/v1/timelines/public', alice.token)
    expect(nums(signedIn.body)).toEqual([16, 9, 3])
    for (const s of signedIn.body) expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
    expect(nums((await get('/api/v1/timelines/public', carol.token)).body)).toEqual([16, 13, 12, 11, 9, 4, 3, 2, 1])
    expect(nums((await get('/api/v1/timelines/public?remote=true', alice.token)).body)).toEqual([16, 9, 3])
    expect(nums((await get('/api/v1/timelines/public?local=true', alice.token)).body)).toEqual([])
  })

  it('tag timelines too', async () => {
    expect(nums((await get('/api/v1/timelines/tag/herd')).body)).toEqual([4, 3, 2, 1])
    expect(nums((await get('/api/v1/timelines/tag/HERD', alice.token)).body)).toEqual([3])
  })
})

describe('home timeline', () => {
  it('leaves out the muted account’s later posts and reblogs of blocked or muted authors', async () => {
    // 5 and 17 are Y's reblogs of X (blocked) and Bob (muted); 1, 6, 11 left the feed with the mute; 12 is filtered.
    expect(nums((await get('/api/v1/timelines/home', alice.token)).body)).toEqual([16, 9, 3])
    const bobHome = await get('/api/v1/timelines/home', bob.token)
    expect(nums(bobHome.body)).toEqual([12, 11, 6, 1])
  })
})

describe('account statuses', () => {
  it('followers-only posts go to accepted followers and the author; direct posts to those mentioned', async () => {
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses`)).body)).toEqual([12, 11, 1])
    // Alice follows Bob and is mentioned in 7; muting Bob does not hide his own page.
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses`, alice.token)).body)).toEqual([12, 11, 7, 6, 1])
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses`, carol.token)).body)).toEqual([12, 11, 1])
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses`, bob.token)).body)).toEqual([12, 11, 8, 7, 6, 1])
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses?exclude_replies=true`, alice.token)).body)).toEqual([12, 7, 6, 1])
  })

  it('reblogs of hidden authors are left out; blocked either way shows nothing', async () => {
    expect(nums((await get(`/api/v1/accounts/${Y}/statuses`)).body)).toEqual([17, 16, 9, 5, 3])
    expect(nums((await get(`/api/v1/accounts/${Y}/statuses`, alice.token)).body)).toEqual([16, 9, 3])
    expect(nums((await get(`/api/v1/accounts/${Y}/statuses?exclude_reblogs=true`)).body)).toEqual([16, 9, 3])
    expect((await get(`/api/v1/accounts/${X}/statuses`, alice.token)).body).toEqual([])
    expect((await get(`/api/v1/accounts/${Z}/statuses`, alice.token)).body).toEqual([])
    expect(nums((await get(`/api/v1/accounts/${Z}/statuses`)).body)).toEqual([4])
  })

  it('pinned posts, within what the viewer may see', async () => {
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses?pinned=true`)).body)).toEqual([1])
    const pinned = await get(`/api/v1/accounts/${bob.id}/statuses?pinned=true`, alice.token)
    expect(nums(pinned.body)).toEqual([6, 1])
    for (const s of pinned.body) expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
    expect((await get(`/api/v1/accounts/${bob.id}/statuses?pinned=true&max_id=${sid(6)}`, alice.token)).body).toEqual([])
  })

  it('tagged and only_media', async () => {
    expect(nums((await get(`/api/v1/accounts/${bob.id}/statuses?tagged=herd`, alice.token)).body)).toEqual([1])
    expect((await get(`/api/v1/accounts/${bob.id}/statuses?only_media=true`, alice.token)).body).toEqual([])
  })
})

describe('context', () => {
  const context = async (n: number, token?: string) => {
    const res = await stack.fetch(`/api/v1/statuses/${sid(n)}/context`, token ? { headers: { Authorization: `Bearer ${token}` } } : {})
    return { status: res.status, body: (await res.json()) as { ancestors: Json[]; descendants: Json[] } }
  }

  it('leaves out replies the viewer may not see', async () => {
    expect(nums((await context(3)).body.descendants)).toEqual([11, 13, 16])
    const mine = await context(3, alice.token)
    expect(schemaErrors(mastodonValidator('Context'), mine.body)).toEqual([])
    expect(nums(mine.body.descendants)).toEqual([16])
    expect(nums((await context(3, carol.token)).body.descendants)).toEqual([11, 13, 15, 16])
    expect(nums((await context(15, carol.token)).body.ancestors)).toEqual([3])
  })

  it('a followers-only status is found by its followers and no one else', async () => {
    expect((await context(15)).status).toBe(404)
    expect((await context(15, alice.token)).status).toBe(404)
    expect((await context(6, alice.token)).status).toBe(200)
    expect((await context(8, alice.token)).status).toBe(404)
    expect((await context(7, alice.token)).status).toBe(200)
  })
})
