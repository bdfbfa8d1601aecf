import { startStack, type Stack } from '../helpers/stack'

// 10,000 statuses from 50 accounts; the viewer follows 40 of them. Every page of every timeline must
// read a number of D1 rows bounded by the page size, and paging must reach the end in both directions.
const STATUSES = 10_000
const ACCOUNTS = 50
const FOLLOWED = 40
const BASE_MS = Date.UTC(2026, 0, 1)

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
  const db = stack.db
  await db.batch([
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ACCOUNTS})
      INSERT INTO accounts (id, username, domain, uri)
      SELECT printf('%d', 1000 + i), 'user' || i, CASE WHEN i % 2 = 0 THEN '' ELSE 'remote.example' END, 'https://x.example/users/' || i FROM n`),
    // Status ids are real snowflakes: (ms << 16), one per second; every 4th is unlisted, every 10th a reblog.
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${STATUSES - 1})
      INSERT INTO statuses (id, uri, account_id, local, visibility, reblog_of_id)
      SELECT printf('%d', (${BASE_MS} + i * 1000) * 65536), 'https://x.example/s/' || i, printf('%d', 1000 + 1 + (i % ${ACCOUNTS})),
             CASE WHEN (1 + (i % ${ACCOUNTS})) % 2 = 0 THEN 1 ELSE 0 END,
             CASE WHEN i % 4 = 3 THEN 'unlisted' ELSE 'public' END,
             CASE WHEN i % 10 = 9 AND i > 0 THEN printf('%d', (${BASE_MS}) * 65536) ELSE NULL END
      FROM n`),
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FOLLOWED})
      INSERT INTO follows (id, account_id, target_account_id) SELECT printf('%d', 5000 + i), '1000', printf('%d', 1000 + i) FROM n`),
  ])
  // Fill the viewer's home the way the app does it: merge each followed account's history.
  const following = (await db.prepare("SELECT target_account_id AS id FROM follows WHERE account_id = '1000'").all<{ id: string }>()).results
  for (const f of following) {
    await harness('POST', 'merge', { followerId: '1000', targetId: f.id })
  }
  await db.prepare(`INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)
    SELECT '1000', s.id, s.account_id FROM statuses s JOIN follows f ON f.target_account_id = s.account_id AND f.account_id = '1000'`).run()
}, 120_000)
afterAll(async () => {
  await stack.dispose()
})

async function harness(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ ids: string[]; rowsRead: number; rowsWritten: number }> {
  const res = await stack.harness(`/timelines/${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) })
  expect(res.status).toBe(200)
  return (await res.json()) as { ids: string[]; rowsRead: number; rowsWritten: number }
}

async function expected(where: string): Promise<string[]> {
  const { results } = await stack.db.prepare(`SELECT id FROM statuses WHERE ${where} ORDER BY id DESC`).all<{ id: string }>()
  return results.map((r) => r.id)
}

async function pageDown(kind: string, limit: number): Promise<{ ids: string[]; maxRows: number; pages: number }> {
  const ids: string[] = []
  let maxRows = 0
  let pages = 0
  let cursor = ''
  for (;;) {
    const page = await harness('GET', `${kind}${kind.includes('?') ? '&' : '?'}limit=${limit}${cursor}`)
    pages += 1
    maxRows = Math.max(maxRows, page.rowsRead)
    if (page.ids.length === 0) break
    ids.push(...page.ids)
    cursor = `&max_id=${page.ids[page.ids.length - 1]}`
  }
  return { ids, maxRows, pages }
}

async function pageUp(kind: string, limit: number): Promise<{ ids: string[]; maxRows: number }> {
  const ids: string[] = []
  let maxRows = 0
  let cursor = '&min_id=0'
  for (;;) {
    const page = await harness('GET', `${kind}${kind.includes('?') ? '&' : '?'}limit=${limit}${cursor}`)
    maxRows = Math.max(maxRows, page.rowsRead)
    if (page.ids.length === 0) break
    ids.unshift(...page.ids)
    cursor = `&min_id=${page.ids[0]}`
  }
  return { ids, maxRows }
}

describe('timeline cost at 10,000 statuses', () => {
  it('home pages read at most `limit` rows and page down to the end of history', async () => {
    const all = await expected(`account_id IN (SELECT target_account_id FROM follows WHERE account_id = '1000')`)
    expect(all.length).toBe((STATUSES * FOLLOWED) / ACCOUNTS)
    const { ids, maxRows, pages } = await pageDown('home?account=1000', 40)
    expect(ids).toEqual(all)
    expect(pages).toBe(Math.ceil(all.length / 40) + 1)
    expect(maxRows).toBeLessThanOrEqual(40)
  })

  it('home pages up from min_id without gaps or repeats', async () => {
    const all = await expected(`account_id IN (SELECT target_account_id FROM follows WHERE account_id = '1000')`)
    const { ids, maxRows } = await pageUp('home?account=1000', 40)
    expect(ids).toEqual(all)
    expect(maxRows).toBeLessThanOrEqual(40)
  })

  it.each([
    ['public', "visibility = 'public' AND reblog_of_id IS NULL"],
    ['local', "visibility = 'public' AND reblog_of_id IS NULL AND local = 1"],
    ['remote', "visibility = 'public' AND reblog_of_id IS NULL AND local = 0"],
  ])('%s pages read at most `limit` rows, both ways', async (kind, where) => {
    const all = await expected(where)
    const down = await pageDown(kind, 40)
    expect(down.ids).toEqual(all)
    expect(down.maxRows).toBeLessThanOrEqual(40)
    const up = await pageUp(kind, 40)
    expect(up.ids).toEqual(all)
    expect(up.maxRows).toBeLessThanOrEqual(40)
  })

  it('since_id returns the newest entries above it', async () => {
    const all = await expected("visibility = 'public' AND reblog_of_id IS NULL")
    const page = await harness('GET', `public?limit=5&since_id=${all[100]}`)
    expect(page.ids).toEqual(all.slice(0, 5))
    const up = await harness('GET', `public?limit=5&min_id=${all[100]}`)
    expect(up.ids).toEqual(all.slice(95, 100))
  })

  it('a fan-out writes one row per local follower and is idempotent', async () => {
    // user2 (local, followed by the viewer) posts; the viewer's home gains exactly it, once.
    const id = String((BigInt(Date.UTC(2027, 0, 1)) << 16n))
    await stack.db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility) VALUES (?, 'https://x.example/new', '1002', 1, 'public')").bind(id).run()
    const first = await harness('POST', 'fan-out', { statusId: id })
    const again = await harness('POST', 'fan-out', { statusId: id })
    const top = await harness('GET', 'home?account=1000&limit=1')
    expect(top.ids).toEqual([id])
    const rows = await stack.db.prepare('SELECT account_id FROM home_feed WHERE status_id = ? ORDER BY account_id').bind(id).all<{ account_id: string }>()
    // The viewer (a follower) and the author itself (local): two rows, not four.
    expect(rows.results.map((r) => r.account_id)).toEqual(['1000', '1002'])
    expect(first.rowsWritten).toBeGreaterThan(0)
    expect(again.rowsWritten).toBe(0)
  })

  it('an unfollow removes the author from home at a cost of their entries', async () => {
    const before = await expected("account_id = '1004'")
    const res = await harness('POST', 'remove-author', { accountId: '1000', authorId: '1004' })
    expect(res.rowsRead).toBeLessThanOrEqual(before.length * 2 + 1)
    const left = await stack.db.prepare("SELECT count(*) AS n FROM home_feed WHERE account_id = '1000' AND author_id = '1004'").first<{ n: number }>()
    expect(left?.n).toBe(0)
  })

  it('keeps counts in columns: statuses, followers, following', async () => {
    const viewer = await stack.db.prepare("SELECT following_count FROM accounts WHERE id = '1000'").first<{ following_count: number }>()
    expect(viewer?.following_count).toBe(FOLLOWED)
    const author = await stack.db.prepare("SELECT statuses_count, followers_count FROM accounts WHERE id = '1001'").first<{ statuses_count: number; followers_count: number }>()
    expect(author).toEqual({ statuses_count: STATUSES / ACCOUNTS, followers_count: 1 })
    const first = await stack.db.prepare('SELECT reblogs_count FROM statuses WHERE id = ?').bind(String(BigInt(BASE_MS) * 65536n)).first<{ reblogs_count: number }>()
    expect(first?.reblogs_count).toBe(STATUSES / 10)
  })

  it('a viewer with blocks and mutes: pages stay within 5 × limit rows and leave those authors out', async () => {
    // The viewer blocks 1003, mutes 1005 (and an expired mute of 1009 no longer counts), and 1007 blocks the viewer.
    await stack.db.batch([
      stack.db.prepare("INSERT INTO blocks (id, account_id, target_account_id) VALUES ('9001', '1000', '1003'), ('9002', '1007', '1000')"),
      stack.db.prepare("INSERT INTO mutes (id, account_id, target_account_id, expires_at) VALUES ('9003', '1000', '1005', NULL), ('9004', '1000', '1009', '2020-01-01T00:00:00.000Z')"),
    ])
    const hidden = "('1003', '1005', '1007')"
    const all = await expected(`visibility = 'public' AND reblog_of_id IS NULL AND account_id NOT IN ${hidden}`)
    const down = await pageDown('public?viewer=1000', 40)
    expect(down.ids).toEqual(all)
    expect(down.maxRows).toBeLessThanOrEqual(5 * 40)
    const up = await pageUp('public?viewer=1000', 40)
    expect(up.ids).toEqual(all)
    expect(up.maxRows).toBeLessThanOrEqual(5 * 40)

    const { results } = await stack.db
      .prepare(`SELECT status_id AS id FROM home_feed WHERE account_id = '1000' AND author_id NOT IN ${hidden} ORDER BY status_id DESC`)
      .all<{ id: string }>()
    const home = await pageDown('home-rows?account=1000', 40)
    expect(home.ids).toEqual(results.map((r) => r.id))
    expect(home.maxRows).toBeLessThanOrEqual(5 * 40)
    console.log(`rows read per page of 40 with blocks and mutes: public ${down.maxRows} (up ${up.maxRows}), home ${home.maxRows}`)
  })
})
