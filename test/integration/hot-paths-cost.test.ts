// What the hot read paths cost in D1, measured through the real API: the figures that decide what
// the cache (do/cache-object.ts) holds. Each path's rows read and queries are printed (the report
// quotes them) and bounded, so a change that makes a hot path read more fails here.
import { startStack, type Stack } from '../helpers/stack'
import { people, type Person } from '../helpers/api'

let stack: Stack
let alice: Person
let bob: Person
let carol: Person
let statusId = ''
let listId = ''

const cost = (h: Headers) => ({ rows: Number(h.get('x-herd-d1-rows-read')), queries: Number(h.get('x-herd-d1-queries')) })

beforeAll(async () => {
  stack = await startStack()
  const p = await people(stack, 'bob', 'carol')
  alice = p.alice
  ;[bob, carol] = p.others
  for (const who of [bob, carol]) expect((await who.api('POST', `/api/v1/accounts/${alice.id}/follow`)).status).toBe(200)
  expect((await alice.api('POST', `/api/v1/accounts/${bob.id}/follow`)).status).toBe(200)
  // A history with tags, replies, favourites and boosts: 40 posts by alice and bob, every 5th replied to.
  for (let i = 0; i < 40; i++) {
    const author = i % 2 === 0 ? alice : bob
    const res = await author.api('POST', '/api/v1/statuses', { status: `post ${i} #hot` })
    expect(res.status).toBe(200)
    statusId = res.body.id
    if (i % 5 === 0) {
      expect((await carol.api('POST', '/api/v1/statuses', { status: `@${author === alice ? 'alice' : 'bob'} reply ${i}`, in_reply_to_id: statusId })).status).toBe(200)
      expect((await carol.api('POST', `/api/v1/statuses/${statusId}/favourite`)).status).toBe(200)
      expect((await carol.api('POST', `/api/v1/statuses/${statusId}/reblog`)).status).toBe(200)
    }
  }
  const list = await bob.api('POST', '/api/v1/lists', { title: 'hot' })
  listId = list.body.id
  expect((await bob.api('POST', `/api/v1/lists/${listId}/accounts`, { account_ids: [alice.id] })).status).toBe(200)
}, 240_000)

afterAll(async () => {
  await stack?.dispose()
})

describe('hot read paths', () => {
  it('each reads a bounded number of D1 rows, in few queries', async () => {
    const paths: Array<[string, Person | null, string, number]> = [
      ['home timeline', bob, '/api/v1/timelines/home?limit=20', 100],
      ['public timeline', null, '/api/v1/timelines/public?limit=20', 100],
      ['public timeline, signed in', bob, '/api/v1/timelines/public?limit=20', 100],
      ['tag timeline', bob, '/api/v1/timelines/tag/hot?limit=20', 100],
      ['list timeline', bob, `/api/v1/timelines/list/${listId}?limit=20`, 100],
      ['account statuses', bob, `/api/v1/accounts/${alice.id}/statuses?limit=20`, 100],
      ['status', bob, `/api/v1/statuses/${statusId}`, 20],
      ['status, signed out', null, `/api/v1/statuses/${statusId}`, 20],
      ['context', bob, `/api/v1/statuses/${statusId}/context`, 40],
      ['account', bob, `/api/v1/accounts/${alice.id}`, 10],
      ['verify_credentials', bob, '/api/v1/accounts/verify_credentials', 10],
      ['relationships', bob, `/api/v1/accounts/relationships?id[]=${alice.id}&id[]=${carol.id}`, 20],
      ['notifications', alice, '/api/v1/notifications?limit=20', 100],
      ['instance v1', null, '/api/v1/instance', 10],
      ['instance v2', null, '/api/v2/instance', 10],
      ['nodeinfo', null, '/nodeinfo/2.1', 10],
    ]
    const lines: string[] = []
    for (const [name, who, path, bound] of paths) {
      // The first read fills whatever is cached; the second is what a warm instance pays.
      const first = who ? await who.api('GET', path) : await stack.fetch(path)
      const cold = cost(first.headers)
      const second = who ? await who.api('GET', path) : await stack.fetch(path)
      expect({ name, status: second.status }).toEqual({ name, status: 200 })
      const warm = cost(second.headers)
      const started = performance.now()
      for (let i = 0; i < 5; i++) await (who ? who.api('GET', path) : stack.fetch(path).then((r) => r.arrayBuffer()))
      const ms = (performance.now() - started) / 5
      lines.push(`${name.padEnd(28)} cold ${String(cold.rows).padStart(4)} rows ${String(cold.queries).padStart(2)} q   warm ${String(warm.rows).padStart(4)} rows ${String(warm.queries).padStart(2)} q   ${ms.toFixed(1)} ms`)
      expect({ name, rows: warm.rows <= bound }).toEqual({ name, rows: true })
    }
    // What a cache hit would replace: one Durable Object call against one indexed D1 read.
    const probe = (await (await stack.harness('/cache/probe', { method: 'POST' })).json()) as { cacheGetMs: number; d1ReadMs: number }
    lines.push(`one CacheObject get ${probe.cacheGetMs.toFixed(2)} ms, one indexed D1 read ${probe.d1ReadMs.toFixed(2)} ms (inside workerd)`)
    console.log(lines.join('\n'))
    expect(probe.cacheGetMs).toBeGreaterThan(0)
  })
})
