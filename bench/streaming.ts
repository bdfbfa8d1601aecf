// Streaming bench: the time from a post to its `update` event on connected WebSockets, with 1, 100
// and 1,000 sockets on the `public` stream. Standalone: `node scripts/build.ts && node bench/streaming.ts`
// (STREAMING_BENCH_POSTS sets the posts per size; default 30).
// It runs the DO Worker and the test harness Worker in workerd, no Pages: each socket is a real
// WebSocket to its account's StreamingObject shard (through the harness, without a token), each
// post a status row in D1 followed by publishStatus through the harness, as posting will call it.
// The clock starts when publishStatus is called (the post is committed) and stops when a socket
// has the frame parsed in this process, so it includes rendering, the 8 shard calls, workerd's
// sends and Node receiving every frame.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { cpus, loadavg } from 'node:os'
import { Miniflare } from 'miniflare'
import WebSocket from 'ws'
import { ROOT, toolEnv } from '../scripts/lib.ts'
import { splitSql } from '../test/helpers/sql.ts'
import { groupCpuMs } from './proc.ts'
import { benchWorkers } from './workers.ts'

Object.assign(process.env, toolEnv())
const POSTS = Number(process.env.STREAMING_BENCH_POSTS ?? '30')
const SIZES = [1, 100, 1000]
const TARGET_P99_MS = 100

if (!existsSync(join(ROOT, '.build', 'harness', 'index.js'))) throw new Error('Run `node scripts/build.ts` first.')

const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  workers: benchWorkers({
    d1Databases: { DB: 'bench-db' },
    durableObjects: { STREAMING: { className: 'StreamingObject', scriptName: 'herd-do' } },
  }),
})

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

try {
  const url = await mf.ready
  const db = (await mf.getD1Database('DB')) as unknown as D1Database
  for (const file of readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).sort()) {
    await db.batch(splitSql(readFileSync(join(ROOT, 'migrations', file), 'utf8')).map((s) => db.prepare(s)))
  }
  await db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES ('1', 'author', '', 'https://bench.example/users/author')").run()
  const subscribers = async (): Promise<number> => {
    const res = await fetch(new URL('/streaming/subscribers', url))
    return ((await res.json()) as { subscriptions: number }).subscriptions
  }
  const restored = async (): Promise<number> => ((await (await fetch(new URL('/streaming/subscribers', url))).json()) as { restored: number }).restored

  let sockets: WebSocket[] = []
  // Browsers offer permessage-deflate and workerd accepts it, so each send is compressed per socket;
  // clients that do not offer it are measured too.
  let deflate = true
  let pending: { id: string; needle: Buffer; started: number; seen: number; latencies: number[]; done: () => void } | null = null
  const connect = (account: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const wsUrl = new URL(`/streaming/connect?account=${account}&stream=public`, url)
      wsUrl.protocol = 'ws:'
      // The clients share the 2 cores with workerd: each frame is matched on its raw bytes, with no
      // UTF-8 validation or decoding, so the bench measures the server more than its own clients.
      const ws = new WebSocket(wsUrl.href, { perMessageDeflate: deflate, skipUTF8Validation: true })
      ws.on('message', (data: Buffer) => {
        const now = performance.now()
        const p = pending
        // The status id's first appearance is the payload's own "id" (escaped inside the string).
        if (p === null || data.indexOf(p.needle) < 0) return
        p.latencies.push(now - p.started)
        if (++p.seen === sockets.length) p.done()
      })
      ws.once('open', () => {
        sockets.push(ws)
        resolve()
      })
      ws.once('error', reject)
    })

  // Context for a loaded machine: one bare round trip to the harness Worker, measured in the same run.
  const rtt: number[] = []
  for (let i = 0; i < 50; i++) {
    const t = performance.now()
    await (await fetch(new URL('/noop', url))).arrayBuffer()
    rtt.push(performance.now() - t)
  }
  rtt.sort((a, b) => a - b)
  console.log(`\nbaseline: one HTTP round trip to the harness Worker p50 ${percentile(rtt, 50).toFixed(1)} ms, p99 ${percentile(rtt, 99).toFixed(1)} ms (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`)
  console.log(`Streaming: post → update event on the public stream (${POSTS} posts per size; 8 shards; sockets of distinct accounts)`)
  // CPU is less disturbed by a busy machine than latency: workerd's (server) and this process's (the clients).
  const pgrp = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[2])
  let seq = 0
  for (deflate of [true, false]) {
    console.log(deflate ? 'clients offering permessage-deflate (as browsers do):' : 'clients without compression:')
    console.log('sockets  p50 ms  p99 ms  max ms  publish call p50 ms  workerd CPU ms/post  client CPU ms/post  target')
    for (const size of SIZES) {
      while (sockets.length < size) {
        const batch = Math.min(50, size - sockets.length)
        await Promise.all(Array.from({ length: batch }, (_, i) => connect(String(100000 + sockets.length + i))))
      }
      while ((await subscribers()) < size) await new Promise((r) => setTimeout(r, 20))
      const latencies: number[] = []
      const calls: number[] = []
      const cpu0 = groupCpuMs(pgrp).workerd
      const client0 = process.cpuUsage()
      for (let i = 0; i < POSTS + 3; i++) {
        const id = String(BigInt(Date.UTC(2026, 0, 1) + ++seq) << 16n)
        await db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES (?, ?, '1', 1, 'public', '<p>bench</p>')").bind(id, `https://bench.example/s/${id}`).run()
        const run = { id, needle: Buffer.from(`{\\"id\\":\\"${id}\\"`), started: 0, seen: 0, latencies: [] as number[], done: () => undefined as void }
        const all = new Promise<void>((resolve) => (run.done = resolve))
        pending = run
        run.started = performance.now()
        const res = await fetch(new URL('/streaming/status', url), { method: 'POST', body: JSON.stringify({ statusId: id }) })
        calls.push(performance.now() - run.started)
        if (res.status !== 200) throw new Error(`publish: ${res.status} ${await res.text()}`)
        await all
        // The first posts warm the objects and the JIT.
        if (i >= 3) latencies.push(...run.latencies)
      }
      pending = null
      const serverCpu = (groupCpuMs(pgrp).workerd - cpu0) / (POSTS + 3)
      const client = process.cpuUsage(client0)
      const clientCpu = (client.user + client.system) / 1000 / (POSTS + 3)
      latencies.sort((a, b) => a - b)
      calls.sort((a, b) => a - b)
      const p99 = percentile(latencies, 99)
      const target = size === 1000 ? (p99 < TARGET_P99_MS ? `met (p99 < ${TARGET_P99_MS} ms)` : `MISSED (p99 < ${TARGET_P99_MS} ms)`) : ''
      console.log(
        `${String(size).padStart(7)}  ${percentile(latencies, 50).toFixed(1).padStart(6)}  ${p99.toFixed(1).padStart(6)}  ${(latencies.at(-1) ?? NaN).toFixed(1).padStart(6)}  ${percentile(calls, 50).toFixed(1).padStart(19)}  ${serverCpu.toFixed(1).padStart(19)}  ${clientCpu.toFixed(1).padStart(18)}  ${target}`,
      )
    }
    for (const ws of sockets) ws.close()
    sockets = []
    while ((await subscribers()) > 0) await new Promise((r) => setTimeout(r, 20))
  }
  // Sessions are kept in memory once made; a rebuild from the attachment happens only after eviction.
  console.log(`sessions rebuilt from attachments during the run: ${await restored()}`)
} finally {
  await mf.dispose()
}
