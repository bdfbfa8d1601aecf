// npm run bench: drives the live local stack (the same one `npm start` runs, on its own port and
// fresh state) with concurrent load, and reports each endpoint against a no-op route measured in
// the same run. Not a test: it prints figures and the targets they are held to.
import { createHash, randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import autocannon from 'autocannon'
import { launch, migrateLocal, waitUntilReady } from '../scripts/local-stack.ts'
import { run, toolEnv } from '../scripts/lib.ts'
import { groupCpuMs, groupPeakRssMiB } from './proc.ts'
import { png as pngImage } from '../test/helpers/images.ts'
import { measureInbox, seedInboxSender } from './inbox.ts'
import { printPageWeights } from './pages.ts'

const PORT = Number(process.env.BENCH_PORT ?? 8799)
const PERSIST = '.wrangler/bench-state'
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)

interface Endpoint {
  name: string
  path: string
  targets: { p50x: number; p99x: number; cpuMs: number }
  /** Requests autocannon cycles through on each connection (the path above is the first's); omitted: an anonymous GET. */
  requests?: BenchRequest[]
}

interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
}


const FOUNDATION = { p50x: 3, p99x: 5, cpuMs: 2 }
const READS = { p50x: 3, p99x: 5, cpuMs: 2 }
// Signed-in requests act as a local account (user2, id 1002) with a bearer token made for this run
// and seeded hashed, like any token; its 24 local peers follow it, so every post fans out to 25 home
// timelines. Writes have no latency target: the target is CPU (under 5 ms above the no-op).
const BENCH_TOKEN = randomBytes(32).toString('base64url')
const WRITES = { p50x: Number.POSITIVE_INFINITY, p99x: Number.POSITIVE_INFINITY, cpuMs: 5 }
const BEARER = { Authorization: `Bearer ${BENCH_TOKEN}` }
const AUTH = { ...BEARER, 'Content-Type': 'application/json' }
/** A small PNG (64×48) in a multipart upload, the body Mastodon clients send to POST /api/v2/media. */
function mediaUpload(): BenchRequest {
  const png = Buffer.from(pngImage(64, 48))
  const boundary = 'herd-bench-boundary'
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nA bench picture\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { method: 'POST', path: '/api/v2/media', headers: { ...BEARER, 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body }
}
const RELATIONSHIPS_PATH = `/api/v1/accounts/relationships?${Array.from({ length: 20 }, (_, i) => `id[]=${1001 + i}`).join('&')}`
const SEARCH_PATH = '/api/v2/search?q=bench&type=statuses&limit=20'
const SEARCH: BenchRequest = { method: 'GET', path: SEARCH_PATH, headers: BEARER }
const SEEDED_STATUSES = Number(process.env.BENCH_STATUSES ?? 10_000)
const BIG_STATUSES = Number(process.env.BENCH_BIG_STATUSES ?? 100_000)
const T0 = Date.UTC(2026, 0, 1)
/** A status id from the seeded range, for single-status endpoints. */
const SAMPLE_STATUS = String(BigInt(T0 + 5_000 * 1000) << 16n)
const ENDPOINTS: Endpoint[] = [
  { name: 'GET /api/v1/instance', path: '/api/v1/instance', targets: FOUNDATION },
  { name: 'GET /api/v2/instance', path: '/api/v2/instance', targets: FOUNDATION },
  { name: 'GET /.well-known/nodeinfo', path: '/.well-known/nodeinfo', targets: FOUNDATION },
  { name: 'GET /nodeinfo/2.1', path: '/nodeinfo/2.1', targets: FOUNDATION },
  { name: 'GET /.well-known/host-meta', path: '/.well-known/host-meta', targets: FOUNDATION },
  { name: 'GET /health', path: '/health', targets: FOUNDATION },
  { name: 'GET / (server-rendered page)', path: '/', targets: FOUNDATION },
  { name: 'GET /api/v1/timelines/public', path: '/api/v1/timelines/public?limit=20', targets: READS },
  { name: 'GET /api/v1/timelines/public?local', path: '/api/v1/timelines/public?local=true&limit=20', targets: READS },
  { name: 'GET /api/v1/timelines/tag/:tag', path: '/api/v1/timelines/tag/bench?limit=20', targets: READS },
  { name: 'GET /api/v1/accounts/:id/statuses', path: '/api/v1/accounts/1001/statuses?limit=20', targets: READS },
  { name: 'GET /api/v1/statuses/:id', path: `/api/v1/statuses/${SAMPLE_STATUS}`, targets: READS },
  { name: 'GET /api/v1/statuses/:id/context', path: `/api/v1/statuses/${SAMPLE_STATUS}/context`, targets: READS },
  { name: 'GET /api/v2/search (statuses)', path: SEARCH_PATH, targets: READS, requests: [SEARCH] },
  { name: 'GET /api/v2/search?q=user (accounts)', path: '/api/v2/search?q=user1&type=accounts&limit=20', targets: READS },
  { name: 'POST /api/v2/media (64×48 PNG)', path: '/api/v2/media', targets: WRITES, requests: [mediaUpload()] },
  { name: 'GET /api/v1/timelines/public (signed in)', path: '/api/v1/timelines/public?limit=20', targets: READS, requests: [{ method: 'GET', path: '/api/v1/timelines/public?limit=20', headers: BEARER }] },
  { name: 'GET /api/v1/timelines/home', path: '/api/v1/timelines/home?limit=20', targets: READS, requests: [{ method: 'GET', path: '/api/v1/timelines/home?limit=20', headers: BEARER }] },
  { name: 'GET /api/v1/notifications', path: '/api/v1/notifications?limit=20', targets: READS, requests: [{ method: 'GET', path: '/api/v1/notifications?limit=20', headers: BEARER }] },
  {
    name: 'GET /api/v1/accounts/relationships',
    path: RELATIONSHIPS_PATH,
    targets: READS,
    requests: [{ method: 'GET', path: RELATIONSHIPS_PATH, headers: BEARER }],
  },
  { name: 'GET /public/local (page)', path: '/public/local', targets: READS },
  { name: 'GET /public (page)', path: '/public', targets: READS },
  { name: 'GET /@user (page)', path: '/@user2', targets: READS },
  { name: 'GET /@user/:id (thread page)', path: `/@user1@remote.example/${SAMPLE_STATUS}`, targets: READS },
]


const POST_STATUS = { method: 'POST' as const, path: '/api/v1/statuses', headers: AUTH, body: JSON.stringify({ status: 'Bench post with a #bench tag, a mention of @user4 and https://example.com/a/link' }) }
ENDPOINTS.push(
  { name: 'POST /api/v1/statuses', path: POST_STATUS.path, targets: WRITES, requests: [POST_STATUS] },
  {
    name: 'POST /api/v1/statuses/:id/(un)favourite',
    path: `/api/v1/statuses/${SAMPLE_STATUS}/favourite`,
    targets: WRITES,
    requests: [
      { method: 'POST', path: `/api/v1/statuses/${SAMPLE_STATUS}/favourite`, headers: AUTH },
      { method: 'POST', path: `/api/v1/statuses/${SAMPLE_STATUS}/unfavourite`, headers: AUTH },
    ],
  },
)

/** The bench's signed-in writer (account 1002, seeded with its token by `seed`) gets its 24 local followers. */
async function seedWriter(): Promise<void> {
  const statements = [
    `INSERT OR IGNORE INTO follows (id, account_id, target_account_id) SELECT 'bench-' || id, id, '1002' FROM accounts WHERE domain = '' AND id <> '1002'`,
  ]
  for (const command of statements) {
    await run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', PERSIST, '--command', command], { env: toolEnv({ CI: 'true' }), stdio: 'ignore' })
  }
}

/** Server-rendered pages against the API call that reads the same data (target: SSR CPU ≤ 3× the API's). */
const SSR_VS_API: Array<[string, string]> = [
  ['GET /public/local (page)', 'GET /api/v1/timelines/public?local'],
  ['GET /public (page)', 'GET /api/v1/timelines/public'],
  ['GET /@user (page)', 'GET /api/v1/accounts/:id/statuses'],
  ['GET /@user/:id (thread page)', 'GET /api/v1/statuses/:id/context'],
]
const SSR_TARGET = 3

/** Timeline pages whose D1 cost must stay flat as history grows. */
const PAGES = ENDPOINTS.filter((e) => e.path.includes('limit=20') && !e.path.startsWith('/api/v2/search'))

/**
 * Seeds statuses `from`..`to`-1 from 50 accounts (half local, half remote): one in 4 unlisted, one in
 * 10 a reply to the one before, one in 7 tagged #bench, one in 5 with an image.
 */
async function seed(from: number, to: number): Promise<void> {
  // D1's SQLite has no generate_series; a recursive CTE counts instead.
  const series = (a: number | string, b: number | string) => `WITH RECURSIVE series(value) AS (SELECT ${a} UNION ALL SELECT value + 1 FROM series WHERE value < ${b}) `
  const statements = [
    `${series(1, 50)}INSERT OR IGNORE INTO accounts (id, username, domain, uri) SELECT printf('%d', 1000 + value), 'user' || value, CASE WHEN value % 2 = 0 THEN '' ELSE 'remote.example' END, 'https://bench.example/users/' || value FROM series`,
    `INSERT OR IGNORE INTO tags (id, name) VALUES ('1', 'bench')`,
    `${series(from, to - 1)}INSERT INTO statuses (id, uri, account_id, local, visibility, content, in_reply_to_id)
     SELECT printf('%d', (${T0} + value * 1000) * 65536), 'https://bench.example/s/' || value, printf('%d', 1001 + value % 50), (1 + value % 50) % 2 = 0,
            CASE WHEN value % 4 = 3 THEN 'unlisted' ELSE 'public' END, '<p>Bench post ' || value || '</p>',
            CASE WHEN value % 10 = 9 THEN printf('%d', (${T0} + (value - 1) * 1000) * 65536) END
       FROM series`,
    `${series(from, to - 1)}INSERT INTO status_tags (tag_id, status_id) SELECT '1', printf('%d', (${T0} + value * 1000) * 65536) FROM series WHERE value % 7 = 0`,
    `${series(from, to - 1)}INSERT INTO media_attachments (id, account_id, status_id, type, r2_key, content_type, width, height)
     SELECT printf('%d', 900000000 + value), printf('%d', 1001 + value % 50), printf('%d', (${T0} + value * 1000) * 65536), 'image', 'bench/' || value || '.png', 'image/png', 640, 480
       FROM series WHERE value % 5 = 0`,
    // The signed-in bench user: local account 1002, following every other account, blocking 1003,
    // muting 1005, with a home feed of what it follows and a notification for one post in 10.
    `INSERT OR IGNORE INTO users (id, email, account_id) VALUES ('1', 'bench@bench.example', '1002')`,
    `INSERT OR IGNORE INTO oauth_tokens (id, token_hash, user_id, scopes) VALUES ('1', '${createHash('sha256').update(BENCH_TOKEN).digest('hex')}', '1', 'read write follow')`,
    `${series(1, 50)}INSERT OR IGNORE INTO follows (id, account_id, target_account_id) SELECT printf('%d', 800000 + value), '1002', printf('%d', 1000 + value) FROM series WHERE value NOT IN (2, 3)`,
    `INSERT OR IGNORE INTO blocks (id, account_id, target_account_id) VALUES ('1', '1002', '1003')`,
    `INSERT OR IGNORE INTO mutes (id, account_id, target_account_id) VALUES ('1', '1002', '1005')`,
    `${series(from, to - 1)}INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)
     SELECT '1002', printf('%d', (${T0} + value * 1000) * 65536), printf('%d', 1001 + value % 50) FROM series WHERE value % 50 NOT IN (1, 2)`,
    `${series(from, to - 1)}INSERT OR IGNORE INTO notifications (id, account_id, from_account_id, type, status_id, dedupe_key)
     SELECT printf('%d', (${T0} + value * 1000) * 65536 + 1), '1002', printf('%d', 1001 + value % 50),
            CASE value % 3 WHEN 0 THEN 'favourite' WHEN 1 THEN 'mention' ELSE 'reblog' END, printf('%d', (${T0} + value * 1000) * 65536), 'bench:' || value
       FROM series WHERE value % 10 = 0 AND value % 50 <> 1`,
  ]
  for (const command of statements) {
    await run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', PERSIST, '--command', command], { env: toolEnv({ CI: 'true' }), stdio: 'ignore' })
  }
}

async function pageRows(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of PAGES) out[e.name] = await rowsRead(url, e.path, e.requests?.[0])
  return out
}

interface Measurement {
  p50: number
  p99: number
  rps: number
  cpuMsPerRequest: number
  errors: number
}

async function measure(url: string, pgrp: number, path: string, requests?: Endpoint['requests']): Promise<Measurement> {
  // Warm up: compile, fill caches.
  await autocannon({ url: url + path, connections: CONNECTIONS, amount: Math.min(200, REQUESTS), requests })
  const before = groupCpuMs(pgrp)
  const result = await autocannon({ url: url + path, connections: CONNECTIONS, amount: REQUESTS, requests })
  const after = groupCpuMs(pgrp)
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    cpuMsPerRequest: (after.workerd - before.workerd) / REQUESTS,
    errors: result.errors + result.non2xx,
  }
}

async function rowsRead(url: string, path: string, request?: NonNullable<Endpoint['requests']>[number]): Promise<string> {
  const res = await fetch(url + (request?.path ?? path), request ? { method: request.method, headers: request.headers, body: request.body } : {})
  await res.arrayBuffer()
  return res.headers.get('x-herd-d1-rows-read') ?? '?'
}

/**
 * Searches until the index has caught up with every queued change (a search then reads a page's
 * worth of rows, not a replay's); the rows read on the way.
 */
async function settleSearch(url: string): Promise<number> {
  let total = 0
  for (let i = 0; i < 1000; i++) {
    const rows = Number(await rowsRead(url, SEARCH_PATH, SEARCH))
    if (!(rows > 1000)) break
    total += rows
  }
  return total
}

const fmt = (n: number, d = 2) => n.toFixed(d)

rmSync(PERSIST, { recursive: true, force: true })
await migrateLocal(PERSIST)
await seed(0, SEEDED_STATUSES)
await seedWriter()
const stack = launch({ port: PORT, persist: PERSIST, stdio: 'ignore' })
/** The no-op route's rate, which the fan-out bench compares deliveries per second against. */
const noop = { rps: NaN }
process.on('exit', () => stack.stop('SIGKILL'))
try {
  await waitUntilReady(stack.url)
  const pgrp = stack.child.pid as number
  console.log(`Bench: ${REQUESTS} requests per endpoint, ${CONNECTIONS} connections, against ${stack.url} (wrangler pages dev on workerd), ${SEEDED_STATUSES} seeded statuses\n`)
  // Searches replay the seeded statuses into the FTS5 index (as after an import), 4,000 per request.
  console.log(`replaying ${SEEDED_STATUSES} seeded statuses into the search index: ${await settleSearch(stack.url)} D1 rows read\n`)
  const baseline = await measure(stack.url, pgrp, '/noop')
  noop.rps = baseline.rps
  console.log(`baseline GET /noop: p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, ${fmt(baseline.rps, 0)} req/s, workerd CPU ${fmt(baseline.cpuMsPerRequest, 3)} ms/req\n`)
  const header = ['endpoint', 'p50 ms', 'p99 ms', 'req/s', 'p50 ×', 'p99 ×', 'CPU ms/req over base', 'D1 rows/req', 'errors', 'targets']
  const rows: string[][] = []
  const measured: Record<string, Measurement> = {}
  for (const e of ENDPOINTS) {
    const m = await measure(stack.url, pgrp, e.path, e.requests)
    measured[e.name] = m
    const p50x = m.p50 / Math.max(baseline.p50, 1)
    const p99x = m.p99 / Math.max(baseline.p99, 1)
    const cpu = m.cpuMsPerRequest - baseline.cpuMsPerRequest
    const ok = p50x <= e.targets.p50x && p99x <= e.targets.p99x && cpu < e.targets.cpuMs && m.errors === 0
    rows.push([e.name, String(m.p50), String(m.p99), fmt(m.rps, 0), fmt(p50x), fmt(p99x), fmt(cpu, 3), await rowsRead(stack.url, e.path, e.requests?.[0]), String(m.errors), ok ? 'met' : 'MISSED'])
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  console.log(line(header))
  for (const r of rows) console.log(line(r))
  console.log(`\nTargets: p50 ≤ ${FOUNDATION.p50x}× and p99 ≤ ${FOUNDATION.p99x}× the no-op route; CPU < ${FOUNDATION.cpuMs} ms/request above it (${WRITES.cpuMs} ms for writes).`)
  console.log(`\nServer rendering against the API call for the same data (workerd CPU per request; target ≤ ${SSR_TARGET}×):`)
  for (const [page, api] of SSR_VS_API) {
    const p = measured[page]
    const a = measured[api]
    if (p === undefined || a === undefined) continue
    const ratio = p.cpuMsPerRequest / Math.max(a.cpuMsPerRequest, 0.001)
    // Also above the no-op route, which takes out the cost every request pays (routing, middleware).
    const base = baseline.cpuMsPerRequest
    const over = (p.cpuMsPerRequest - base) / Math.max(a.cpuMsPerRequest - base, 0.001)
    const ok = ratio <= SSR_TARGET && over <= SSR_TARGET
    console.log(`  ${page.padEnd(30)} ${fmt(p.cpuMsPerRequest, 3)} ms vs ${api} ${fmt(a.cpuMsPerRequest, 3)} ms = ${fmt(ratio)}× (${fmt(over)}× above no-op)  ${ok ? 'met' : 'MISSED'}`)
  }
  await printPageWeights(stack.url, ['/', '/public/local', '/explore', '/@user2', `/@user1@remote.example/${SAMPLE_STATUS}`, '/about'])
  console.log(`Peak resident memory of the stack (wrangler + workerd): ${fmt(groupPeakRssMiB(pgrp), 0)} MiB`)

  // Inbox intake: verified, queued and answered 202, against the no-op route's rate.
  const inbox = await measureInbox(stack.url, REQUESTS, CONNECTIONS, await seedInboxSender(PERSIST))
  console.log(
    `\nInbox intake (signed POST /inbox, 202): ${fmt(inbox.acceptedPerSecond, 0)} accepted/s (no-op: ${fmt(baseline.rps, 0)} req/s), ` +
      `p50 ${inbox.p50} ms, p99 ${inbox.p99} ms, D1 rows read per intake ${inbox.rowsRead} (first), ${inbox.rowsReadWarm} in ${inbox.queriesWarm} queries (cached), non-202 ${inbox.non202}`,
  )

  // Flat cost as history grows: the same pages, read again after growing the database tenfold.
  const small = await pageRows(stack.url)
  const searchSmall = await rowsRead(stack.url, SEARCH_PATH, SEARCH)
  await seed(SEEDED_STATUSES, BIG_STATUSES)
  const big = await pageRows(stack.url)
  const replay = await settleSearch(stack.url)
  const searchBig = await rowsRead(stack.url, SEARCH_PATH, SEARCH)
  console.log(`\nD1 rows read per timeline page (limit 20; target ≤ 100 = 5 × limit) at ${SEEDED_STATUSES} and ${BIG_STATUSES} statuses:`)
  for (const e of PAGES) {
    const ok = Number(small[e.name]) <= 100 && Number(big[e.name]) <= 100
    console.log(`  ${e.name.padEnd(42)} ${String(small[e.name]).padStart(5)}  ${String(big[e.name]).padStart(5)}  ${ok ? 'met' : 'MISSED'}`)
  }
  const searchOk = Number(searchSmall) <= 100 && Number(searchBig) <= 100
  console.log(`  ${'GET /api/v2/search (statuses)'.padEnd(36)} ${searchSmall.padStart(5)}  ${searchBig.padStart(5)}  ${searchOk ? 'met' : 'MISSED'}`)
  console.log(`  (replaying the ${BIG_STATUSES - SEEDED_STATUSES} statuses added into the search index, once: ${replay} rows read)`)
} finally {
  stack.stop()
}

// The ATProto repository and firehose: signed commits per second, and replay from cursor 0.
await run('node', ['bench/atproto.ts'], { env: toolEnv({ ATPROTO_BENCH_COMMITS: process.env.ATPROTO_BENCH_COMMITS ?? '3000' }) })
// ActivityPub fan-out: POSTs per post through shared inboxes, and signed deliveries per second through the queue.
await run('node', ['bench/fanout.ts'], { env: toolEnv({ BENCH_NOOP_RPS: String(noop.rps) }) })
// Web Push: the CPU of encrypting and signing one push, against one ECDSA signature.
await run('node', ['bench/push.ts'], { env: toolEnv() })
// Streaming: post → event latency with 1, 100 and 1,000 sockets on one stream.
await run('node', ['bench/streaming.ts'], { env: toolEnv() })
