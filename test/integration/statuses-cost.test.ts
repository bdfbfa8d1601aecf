import { startStack, type Stack } from '../helpers/stack'
import { people, type Api } from '../helpers/api'

// What posting and reading with viewer flags cost in D1 rows: posting grows with the author's local
// followers (the fan-out), never with the statuses stored; a page with flags stays within 5 × limit.
const FOLLOWERS = 200
const BASE_MS = Date.UTC(2026, 0, 1)

let stack: Stack
let alice: Api
let aliceId: string
const rows = (h: Headers) => Number(h.get('x-herd-d1-rows-read'))

beforeAll(async () => {
  stack = await startStack()
  const { alice: me } = await people(stack)
  alice = me.api
  aliceId = me.id
})
afterAll(async () => {
  await stack.dispose()
})

async function addFollowers(from: number, to: number): Promise<void> {
  const db = stack.db
  await db.batch([
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to - 1})
      INSERT INTO accounts (id, username, domain, uri) SELECT printf('%d', 10000 + i), 'f' || i, '', 'https://x.example/users/f' || i FROM n`),
    // Every tenth asked to be notified of alice's posts.
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to - 1})
      INSERT INTO follows (id, account_id, target_account_id, notify) SELECT printf('%d', 20000 + i), printf('%d', 10000 + i), ?, i % 10 = 0 FROM n`).bind(aliceId),
  ])
}

/** Statuses that all carry the #cost tag and mention f1, as the posts measured do. */
async function addStatuses(count: number): Promise<void> {
  const db = stack.db
  const series = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`
  const id = `printf('%d', (${BASE_MS} + i * 1000) * 65536)`
  await db.batch([
    db.prepare(`${series} INSERT INTO statuses (id, uri, account_id, local, visibility) SELECT ${id}, 'https://x.example/s/' || i, '10000', 1, 'public' FROM n`),
    db.prepare(`${series} INSERT INTO status_tags (tag_id, status_id) SELECT (SELECT id FROM tags WHERE name = 'cost'), ${id} FROM n`),
    db.prepare(`${series} INSERT INTO status_mentions (status_id, account_id) SELECT ${id}, '10001' FROM n`),
  ])
}

async function post(text: string): Promise<{ id: string; rowsRead: number }> {
  const res = await alice('POST', '/api/v1/statuses', { status: text })
  expect(res.status).toBe(200)
  return { id: res.body.id, rowsRead: rows(res.headers) }
}

describe('posting cost', () => {
  it('grows with local followers, not with stored statuses', async () => {
    const alone = await post('nobody follows me yet #cost')
    await addFollowers(0, FOLLOWERS)
    const followed = await post('two hundred followers #cost @f1')
    const inFeeds = await stack.db.prepare('SELECT count(*) AS n FROM home_feed WHERE status_id = ?').bind(followed.id).first<{ n: number }>()
    expect(inFeeds?.n).toBe(FOLLOWERS + 1)
    const notified = await stack.db.prepare("SELECT count(*) AS n FROM notifications WHERE status_id = ? AND type = 'status'").bind(followed.id).first<{ n: number }>()
    expect(notified?.n).toBe(FOLLOWERS / 10)

    await addStatuses(10_000)
    const crowded = await post('after ten thousand statuses with the same #cost tag and @f1 mention')
    // Linear in followers: a few rows per follower (the follow, the account, the block and mute probes), plus a fixed part.
    const perFollower = (followed.rowsRead - alone.rowsRead) / FOLLOWERS
    console.log(`posting rows read: 0 followers ${alone.rowsRead}, ${FOLLOWERS} followers ${followed.rowsRead}, and after 10,000 more statuses ${crowded.rowsRead} (${perFollower.toFixed(1)} per follower)`)
    expect(perFollower).toBeLessThanOrEqual(6)
    expect(alone.rowsRead).toBeLessThanOrEqual(60)
    // Stored statuses do not matter, nor how many carry the same tag and mention (the snapshot triggers read only the new status' rows).
    expect(Math.abs(crowded.rowsRead - followed.rowsRead)).toBeLessThanOrEqual(10)
  })
})

describe('a page with viewer flags', () => {
  it('reads at most 5 × limit rows', async () => {
    // alice favourites, bookmarks and reblogs statuses across the page, and a few far outside it.
    const { results } = await stack.db.prepare("SELECT id FROM statuses WHERE account_id = '10000' ORDER BY id DESC LIMIT 40").all<{ id: string }>()
    const page = results.map((r) => r.id)
    for (const id of [...page.slice(0, 10), ...page.slice(30, 35)]) {
      await alice('POST', `/api/v1/statuses/${id}/favourite`)
      await alice('POST', `/api/v1/statuses/${id}/bookmark`)
    }
    for (const id of page.slice(0, 3)) await alice('POST', `/api/v1/statuses/${id}/reblog`)
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('30000', ?, '10000')").bind(aliceId).run()
    await stack.db.prepare("INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id) SELECT ?, id, account_id FROM statuses WHERE account_id = '10000'").bind(aliceId).run()

    for (const path of ['/api/v1/timelines/public?limit=20', '/api/v1/timelines/home?limit=20', '/api/v1/accounts/10000/statuses?limit=20', `/api/v1/accounts/${aliceId}/statuses?limit=20`]) {
      const res = await alice('GET', path)
      expect(res.status).toBe(200)
      expect(res.body.length).toBe(path.includes(aliceId) ? 6 : 20)
      const flagged = res.body.filter((s: { favourited: boolean; reblog: { favourited: boolean } | null }) => s.favourited || s.reblog?.favourited).length
      console.log(`${path}: ${rows(res.headers)} rows read, ${flagged} favourited`)
      expect([path, rows(res.headers) <= 100]).toEqual([path, true])
    }
    const pub = await alice('GET', '/api/v1/timelines/public?limit=20')
    expect(pub.body.filter((s: { favourited: boolean }) => s.favourited)).toHaveLength(10)
    expect(pub.body.filter((s: { reblogged: boolean }) => s.reblogged)).toHaveLength(3)
  })
})
