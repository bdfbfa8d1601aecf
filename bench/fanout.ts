// Fan-out bench: one post by an account with 1,000 remote followers on 100 instances, through the real
// queue and consumer in workerd, delivered signed to a local fake inbox server. Reports the POSTs per post
// (held to ≤ 100: one per shared inbox) and deliveries per second. Standalone:
// `node scripts/build.ts && node bench/fanout.ts` (BENCH_FANOUT_POSTS posts for the rate; default 10).
// `npm run bench` runs it last and passes the no-op route's rate (BENCH_NOOP_RPS) for comparison.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { parse } from 'smol-toml'
import { ROOT, toolEnv } from '../scripts/lib.ts'
import { splitSql } from '../test/helpers/sql.ts'

Object.assign(process.env, toolEnv())
const INSTANCES = 100
const FOLLOWERS = 1000
const POSTS = Number(process.env.BENCH_FANOUT_POSTS ?? '10')
const NOOP_RPS = Number(process.env.BENCH_NOOP_RPS ?? NaN)

if (!existsSync(join(ROOT, '.build', 'consumer', 'index.js'))) throw new Error('Run `node scripts/build.ts` first.')

// The fake remote side: 100 shared inboxes told apart by path, answering 202 like Mastodon.
const received = new Map<string, number>()
let posts = 0
let lastAt = 0
const inbox = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    posts++
    lastAt = performance.now()
    received.set(req.url ?? '', (received.get(req.url ?? '') ?? 0) + 1)
    res.writeHead(202).end()
  })
})
await new Promise<void>((r) => inbox.listen(0, '127.0.0.1', r))
const peer = `http://127.0.0.1:${(inbox.address() as AddressInfo).port}`

// The consumer runs with the queue settings it is deployed with.
type QueueConsumer = { queue: string; max_batch_size?: number; max_batch_timeout?: number; max_retries?: number; dead_letter_queue?: string }
const consumerToml = parse(readFileSync(join(ROOT, 'consumer', 'wrangler.toml'), 'utf8')) as { queues?: { consumers?: QueueConsumer[] } }
const queueConsumers = Object.fromEntries(
  (consumerToml.queues?.consumers ?? []).map((c) => [c.queue, { maxBatchSize: c.max_batch_size, maxBatchTimeout: c.max_batch_timeout, maxRetries: c.max_retries, deadLetterQueue: c.dead_letter_queue }]),
)
const secrets = { HERD_KEK: Buffer.alloc(32, 7).toString('base64'), HERD_DEV_ALLOW_HOSTS: new URL(peer).host }
const common = { modules: true, compatibilityDate: '2026-07-01', compatibilityFlags: ['nodejs_compat'], d1Databases: { DB: 'bench-fanout' } }
const cache = { CACHE: { className: 'CacheObject', scriptName: 'herd-do' } }
const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  workers: [
    { ...common, name: 'bench-harness', scriptPath: join(ROOT, '.build', 'harness', 'index.js'), bindings: secrets, queueProducers: { QUEUE: { queueName: 'herd-queue' } }, durableObjects: cache },
    { ...common, name: 'herd-consumer', scriptPath: join(ROOT, '.build', 'consumer', 'index.js'), bindings: secrets, queueProducers: { QUEUE: { queueName: 'herd-queue' } }, queueConsumers, durableObjects: cache },
    {
      ...common,
      name: 'herd-do',
      scriptPath: join(ROOT, '.build', 'do', 'index.js'),
      durableObjects: { CACHE: { className: 'CacheObject', useSQLite: true }, REPO: { className: 'RepoObject', useSQLite: true } },
    },
  ],
})

try {
  const url = await mf.ready
  const db = await mf.getD1Database('DB')
  for (const file of readdirSync(join(ROOT, 'migrations')).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort()) {
    await db.batch(splitSql(readFileSync(join(ROOT, 'migrations', file), 'utf8')).map((s) => db.prepare(s)))
  }
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
    return res.json()
  }
  const { accountId } = (await post('/accounts/create-local', { username: 'bench', origin: 'https://herd.bench.example' })) as { accountId: string }
  const perInstance = FOLLOWERS / INSTANCES
  await db
    .prepare(
      `WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < ${FOLLOWERS - 1})
       INSERT INTO accounts (id, username, domain, uri, inbox_url, shared_inbox_url)
       SELECT printf('%d', 500000 + v), 'f' || v, 'i' || (v / ${perInstance}) || '.example', ?1 || '/i/' || (v / ${perInstance}) || '/users/f' || v,
              ?1 || '/i/' || (v / ${perInstance}) || '/users/f' || v || '/inbox', ?1 || '/i/' || (v / ${perInstance}) || '/inbox' FROM n`,
    )
    .bind(peer)
    .run()
  await db.prepare("INSERT INTO follows (id, account_id, target_account_id, state) SELECT printf('%d', 700000 + CAST(id AS INTEGER)), id, ?, 'accepted' FROM accounts WHERE domain != ''").bind(accountId).run()
  const newStatus = async (i: number): Promise<string> => {
    const id = String(113600000000000000n + BigInt(i))
    await db
      .prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, content, text) VALUES (?, ?, ?, 1, 'public', ?, ?)")
      .bind(id, `https://herd.bench.example/users/bench/statuses/${id}`, accountId, `<p>bench ${i}</p>`, `bench ${i}`)
      .run()
    return id
  }
  const waitFor = async (n: number, timeoutMs = 300_000) => {
    const deadline = Date.now() + timeoutMs
    while (posts < n) {
      if (Date.now() > deadline) throw new Error(`only ${posts} of ${n} deliveries arrived`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  // One post: how many POSTs does it take? (Also warms the isolates and the signer.)
  await post('/queue/send', { type: 'federate', action: 'create', actorId: accountId, objectId: await newStatus(0) })
  await waitFor(INSTANCES)
  await new Promise((r) => setTimeout(r, 2000)) // anything beyond one per shared inbox would arrive by now
  const firstPost = posts
  const perInbox = Math.max(...received.values())
  console.log(`fan-out: 1 post to ${FOLLOWERS} followers on ${INSTANCES} instances = ${firstPost} POSTs (max ${perInbox} per shared inbox); target ≤ ${INSTANCES}: ${firstPost <= INSTANCES ? 'met' : 'MISSED'}`)

  // Throughput: several posts at once, timed from the first enqueue to the last delivery.
  const ids = await Promise.all(Array.from({ length: POSTS }, (_, i) => newStatus(i + 1)))
  const started = performance.now()
  for (const id of ids) await post('/queue/send', { type: 'federate', action: 'create', actorId: accountId, objectId: id })
  await waitFor(firstPost + POSTS * INSTANCES)
  const seconds = (lastAt - started) / 1000
  const rate = (POSTS * INSTANCES) / seconds
  const versus = Number.isFinite(NOOP_RPS) ? ` (${((rate / NOOP_RPS) * 100).toFixed(1)}% of the no-op route's ${NOOP_RPS.toFixed(0)} req/s)` : ''
  console.log(`fan-out: ${POSTS} posts = ${POSTS * INSTANCES} signed deliveries through the local queue in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} deliveries/s${versus}`)
} finally {
  await mf.dispose()
  inbox.close()
}
