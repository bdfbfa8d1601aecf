// npm run bench: drives the live local stack (the same one `npm start` runs, on its own port and
// fresh state) with concurrent load, and reports each endpoint against a no-op route measured in
// the same run. Not a test: it prints figures and the targets they are held to.
import { rmSync } from 'node:fs'
import autocannon from 'autocannon'
import { launch, migrateLocal, waitUntilReady } from '../scripts/local-stack.ts'
import { groupCpuMs, groupPeakRssMiB } from './proc.ts'

const PORT = Number(process.env.BENCH_PORT ?? 8799)
const PERSIST = '.wrangler/bench-state'
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)

interface Endpoint {
  name: string
  path: string
  targets: { p50x: number; p99x: number; cpuMs: number }
}

const FOUNDATION = { p50x: 3, p99x: 5, cpuMs: 2 }
const ENDPOINTS: Endpoint[] = [
  { name: 'GET /api/v1/instance', path: '/api/v1/instance', targets: FOUNDATION },
  { name: 'GET /api/v2/instance', path: '/api/v2/instance', targets: FOUNDATION },
  { name: 'GET /.well-known/nodeinfo', path: '/.well-known/nodeinfo', targets: FOUNDATION },
  { name: 'GET /nodeinfo/2.1', path: '/nodeinfo/2.1', targets: FOUNDATION },
  { name: 'GET /.well-known/host-meta', path: '/.well-known/host-meta', targets: FOUNDATION },
  { name: 'GET /health', path: '/health', targets: FOUNDATION },
  { name: 'GET / (server-rendered page)', path: '/', targets: FOUNDATION },
]

interface Measurement {
  p50: number
  p99: number
  rps: number
  cpuMsPerRequest: number
  errors: number
}

async function measure(url: string, pgrp: number, path: string): Promise<Measurement> {
  // Warm up: compile, fill caches.
  await autocannon({ url: url + path, connections: CONNECTIONS, amount: Math.min(200, REQUESTS) })
  const before = groupCpuMs(pgrp)
  const result = await autocannon({ url: url + path, connections: CONNECTIONS, amount: REQUESTS })
  const after = groupCpuMs(pgrp)
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    cpuMsPerRequest: (after.workerd - before.workerd) / REQUESTS,
    errors: result.errors + result.non2xx,
  }
}

async function rowsRead(url: string, path: string): Promise<string> {
  const res = await fetch(url + path)
  await res.arrayBuffer()
  return res.headers.get('x-herd-d1-rows-read') ?? '?'
}

const fmt = (n: number, d = 2) => n.toFixed(d)

rmSync(PERSIST, { recursive: true, force: true })
await migrateLocal(PERSIST)
const stack = launch({ port: PORT, persist: PERSIST, stdio: 'ignore' })
process.on('exit', () => stack.stop('SIGKILL'))
try {
  await waitUntilReady(stack.url)
  const pgrp = stack.child.pid as number
  console.log(`Bench: ${REQUESTS} requests per endpoint, ${CONNECTIONS} connections, against ${stack.url} (wrangler pages dev on workerd)\n`)
  const baseline = await measure(stack.url, pgrp, '/noop')
  console.log(`baseline GET /noop: p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, ${fmt(baseline.rps, 0)} req/s, workerd CPU ${fmt(baseline.cpuMsPerRequest, 3)} ms/req\n`)
  const header = ['endpoint', 'p50 ms', 'p99 ms', 'req/s', 'p50 ×', 'p99 ×', 'CPU ms/req over base', 'D1 rows/req', 'errors', 'targets']
  const rows: string[][] = []
  for (const e of ENDPOINTS) {
    const m = await measure(stack.url, pgrp, e.path)
    const p50x = m.p50 / Math.max(baseline.p50, 1)
    const p99x = m.p99 / Math.max(baseline.p99, 1)
    const cpu = m.cpuMsPerRequest - baseline.cpuMsPerRequest
    const ok = p50x <= e.targets.p50x && p99x <= e.targets.p99x && cpu < e.targets.cpuMs && m.errors === 0
    rows.push([e.name, String(m.p50), String(m.p99), fmt(m.rps, 0), fmt(p50x), fmt(p99x), fmt(cpu, 3), await rowsRead(stack.url, e.path), String(m.errors), ok ? 'met' : 'MISSED'])
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  console.log(line(header))
  for (const r of rows) console.log(line(r))
  console.log(`\nTargets (foundation): p50 ≤ ${FOUNDATION.p50x}× and p99 ≤ ${FOUNDATION.p99x}× the no-op route; CPU < ${FOUNDATION.cpuMs} ms/request above it.`)
  console.log(`Peak resident memory of the stack (wrangler + workerd): ${fmt(groupPeakRssMiB(pgrp), 0)} MiB`)
} finally {
  stack.stop()
}
