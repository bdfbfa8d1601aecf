// Read-your-writes: the request right after a write sees it, on every timeline and every count.
// The writes are made the way the posting, graph and federation code will make them (rows in D1,
// then the home fan-out through the harness), since those APIs land from other branches; the reads
// are the real HTTP API. Whatever caching the read paths gain, these must keep passing: each read
// comes straight after its write, with no waiting.
import { startStack, type Stack } from '../helpers/stack'
import { registeredUserToken, userToken } from '../helpers/auth'

let stack: Stack
let me: { token: string; accountId: string }
let friend: { token: string; accountId: string }
const T0 = Date.UTC(2026, 8, 1)
let seq = 0
const nextId = () => String(BigInt(T0 + ++seq * 1000) << 16n)

async function get<T>(path: string): Promise<T> {
  const res = await stack.fetch(path, { headers: { Authorization: `Bearer ${me.token}` } })
  expect({ path, status: res.status }).toEqual({ path, status: 200 })
  return (await res.json()) as T
}
const ids = (list: Array<{ id: string }>) => list.map((s) => s.id)
const home = async () => ids(await get<Array<{ id: string }>>('/api/v1/timelines/home?limit=40'))
const account = (id: string) => get<{ statuses_count: number; followers_count: number; following_count: number }>(`/api/v1/accounts/${id}`)
const status = (id: string) => get<{ id: string; content: string; favourites_count: number; reblogs_count: number; replies_count: number; edited_at: string | null }>(`/api/v1/statuses/${id}`)

async function harness(path: string, body: unknown): Promise<void> {
  const res = await stack.harness(path, { method: 'POST', body: JSON.stringify(body) })
  expect(res.status).toBe(200)
}

async function post(author: string, options: { tag?: string; reblogOf?: string; inReplyTo?: string } = {}): Promise<string> {
  const id = nextId()
  const db = stack.db
  const statements = [
    db
      .prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, content, reblog_of_id, in_reply_to_id) VALUES (?, ?, ?, 1, 'public', ?, ?, ?)")
      .bind(id, `https://meadow.example/s/${id}`, author, `<p>post ${id}</p>`, options.reblogOf ?? null, options.inReplyTo ?? null),
  ]
  if (options.tag !== undefined) {
    statements.push(db.prepare('INSERT OR IGNORE INTO tags (id, name) VALUES (?, ?)').bind(nextId(), options.tag))
    statements.push(db.prepare('INSERT INTO status_tags (tag_id, status_id) SELECT id, ? FROM tags WHERE name = ?').bind(id, options.tag))
  }
  await db.batch(statements)
  await harness('/timelines/fan-out', { statusId: id })
  return id
}

beforeAll(async () => {
  stack = await startStack()
  const first = await userToken(stack, 'reader', 'read write')
  const res = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${first.token}` } })
  me = { token: first.token, accountId: String(((await res.json()) as { id: string }).id) }
  friend = await registeredUserToken(stack, 'friend', 'read write')
})
afterAll(async () => {
  await stack.dispose()
})

describe('read-your-writes', () => {
  let mine: string

  it('a new post is on the next read of every timeline, and counted', async () => {
    const before = (await account(me.accountId)).statuses_count
    mine = await post(me.accountId, { tag: 'ryw' })
    expect((await home())[0]).toBe(mine)
    expect(ids(await get('/api/v1/timelines/public?local=true'))[0]).toBe(mine)
    expect(ids(await get('/api/v1/timelines/tag/ryw'))[0]).toBe(mine)
    expect(ids(await get(`/api/v1/accounts/${me.accountId}/statuses`))[0]).toBe(mine)
    expect((await status(mine)).id).toBe(mine)
    expect((await account(me.accountId)).statuses_count).toBe(before + 1)
    expect((await get<{ statuses_count: number }>('/api/v1/accounts/verify_credentials')).statuses_count).toBe(before + 1)
  })

  it('an edit is on the next read', async () => {
    await stack.db.prepare("UPDATE statuses SET content = '<p>edited</p>', edited_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").bind(mine).run()
    expect(await status(mine)).toMatchObject({ content: '<p>edited</p>', edited_at: expect.any(String) })
    const [top] = await get<Array<{ id: string; content: string }>>('/api/v1/timelines/home?limit=1')
    expect(top).toMatchObject({ id: mine, content: '<p>edited</p>' })
  })

  it('a favourite, a reply and a boost are counted on the next read', async () => {
    await stack.db.prepare('INSERT INTO favourites (id, account_id, status_id) VALUES (?, ?, ?)').bind(nextId(), friend.accountId, mine).run()
    expect((await status(mine)).favourites_count).toBe(1)
    await post(friend.accountId, { inReplyTo: mine })
    expect((await status(mine)).replies_count).toBe(1)
    await post(friend.accountId, { reblogOf: mine })
    expect((await status(mine)).reblogs_count).toBe(1)
  })

  it('following shows the followed account’s posts and counts at once; unfollowing takes them away', async () => {
    const theirs = await post(friend.accountId)
    expect(await home()).not.toContain(theirs)
    const before = await account(friend.accountId)
    await stack.db.prepare('INSERT INTO follows (id, account_id, target_account_id) VALUES (?, ?, ?)').bind(nextId(), me.accountId, friend.accountId).run()
    await harness('/timelines/merge', { followerId: me.accountId, targetId: friend.accountId })
    expect(await home()).toContain(theirs)
    expect((await account(friend.accountId)).followers_count).toBe(before.followers_count + 1)
    expect((await account(me.accountId)).following_count).toBe(1)

    // A boost by someone followed lands in home on the next read too.
    const boost = await post(friend.accountId, { reblogOf: mine })
    expect((await home())[0]).toBe(boost)

    await stack.db.prepare('DELETE FROM follows WHERE account_id = ? AND target_account_id = ?').bind(me.accountId, friend.accountId).run()
    await harness('/timelines/remove-author', { accountId: me.accountId, authorId: friend.accountId })
    const after = await home()
    expect(after).not.toContain(theirs)
    expect(after).not.toContain(boost)
    expect((await account(friend.accountId)).followers_count).toBe(before.followers_count)
    expect((await account(me.accountId)).following_count).toBe(0)
  })

  it('a deleted post is gone from the next read of every timeline, and uncounted', async () => {
    const before = (await account(me.accountId)).statuses_count
    await stack.db.prepare('DELETE FROM statuses WHERE id = ?').bind(mine).run()
    const res = await stack.fetch(`/api/v1/statuses/${mine}`, { headers: { Authorization: `Bearer ${me.token}` } })
    expect(res.status).toBe(404)
    expect(await home()).not.toContain(mine)
    expect(ids(await get('/api/v1/timelines/public?local=true'))).not.toContain(mine)
    expect(ids(await get('/api/v1/timelines/tag/ryw'))).not.toContain(mine)
    expect(ids(await get(`/api/v1/accounts/${me.accountId}/statuses`))).not.toContain(mine)
    expect((await account(me.accountId)).statuses_count).toBe(before - 1)
  })
})
