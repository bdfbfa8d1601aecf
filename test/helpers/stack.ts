import { existsSync, readFileSync, statSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import { extname, join } from 'node:path'
import { Miniflare, type WorkerOptions } from 'miniflare'
import { parse } from 'smol-toml'
import { applyMigrations } from './migrations'

const ROOT = process.cwd()
const COMPATIBILITY_DATE = '2026-07-01'

interface WranglerToml {
  name: string
  compatibility_date?: string
  compatibility_flags?: string[]
  vars?: Record<string, string>
  d1_databases?: Array<{ binding: string; database_id: string }>
  kv_namespaces?: Array<{ binding: string; id: string }>
  r2_buckets?: Array<{ binding: string; bucket_name: string }>
  queues?: {
    producers?: Array<{ binding: string; queue: string }>
    consumers?: Array<{ queue: string; max_batch_size?: number; max_batch_timeout?: number; max_retries?: number; dead_letter_queue?: string }>
  }
  durable_objects?: { bindings?: Array<{ name: string; class_name: string; script_name?: string }> }
  migrations?: Array<{ tag: string; new_sqlite_classes?: string[]; new_classes?: string[] }>
}

export function readToml(path: string): WranglerToml {
  return parse(readFileSync(join(ROOT, path), 'utf8')) as unknown as WranglerToml
}

const SQLITE_CLASSES = new Set(readToml('do/wrangler.toml').migrations?.flatMap((m) => m.new_sqlite_classes ?? []) ?? [])

/** Worker options from a wrangler.toml, so tests run with the bindings the configuration declares. */
export function workerFromToml(tomlPath: string, scriptPath: string, extraBindings: Record<string, string> = {}): WorkerOptions {
  const t = readToml(tomlPath)
  return {
    name: t.name,
    modules: true,
    scriptPath: join(ROOT, scriptPath),
    compatibilityDate: t.compatibility_date ?? COMPATIBILITY_DATE,
    compatibilityFlags: t.compatibility_flags ?? [],
    bindings: { ...(t.vars ?? {}), ...extraBindings },
    d1Databases: Object.fromEntries((t.d1_databases ?? []).map((d) => [d.binding, d.database_id])),
    kvNamespaces: Object.fromEntries((t.kv_namespaces ?? []).map((k) => [k.binding, k.id])),
    r2Buckets: Object.fromEntries((t.r2_buckets ?? []).map((r) => [r.binding, r.bucket_name])),
    queueProducers: Object.fromEntries((t.queues?.producers ?? []).map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      (t.queues?.consumers ?? []).map((c) => [
        c.queue,
        { maxBatchSize: c.max_batch_size, maxBatchTimeout: c.max_batch_timeout, maxRetries: c.max_retries, deadLetterQueue: c.dead_letter_queue },
      ]),
    ),
    durableObjects: Object.fromEntries(
      (t.durable_objects?.bindings ?? []).map((b) => [
        b.name,
        { className: b.class_name, ...(b.script_name ? { scriptName: b.script_name } : {}), useSQLite: SQLITE_CLASSES.has(b.class_name) },
      ]),
    ),
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.xml': 'application/xml',
}

/** Pages' static asset service, for Functions' env.ASSETS and next(). */
function serveAssets(request: Request): Response {
  const { pathname } = new URL(request.url)
  const file = join(ROOT, 'frontend', 'dist', decodeURIComponent(pathname))
  if (!file.startsWith(join(ROOT, 'frontend', 'dist')) || !existsSync(file) || statSync(file).isDirectory()) {
    return new Response('Not found', { status: 404 })
  }
  return new Response(readFileSync(file), { headers: { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' } })
}

export interface Stack {
  mf: Miniflare
  url: URL
  /** Real HTTP to the Pages project. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** Real HTTP to the test harness Worker. */
  harness(path: string, init?: RequestInit): Promise<Response>
  db: D1Database
  dispose(): Promise<void>
}

/** A fixed key-encryption key for tests (the bytes 0 to 31, base64); never a real secret. */
export const TEST_KEK = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')

/** A Web Push key pair made for this test run (PKCS#8 PEM), as the deploy makes one for an instance. */
export const TEST_VAPID_PRIVATE_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

export interface StackOptions {
  /**
   * Prepares the fresh database instead of applying every migration: for tests that build an
   * older schema, seed it, and upgrade it. Runs before the first request reaches the stack.
   */
  prepareDb?: (db: D1Database) => Promise<void>
  /** Extra variables for the Pages project and the harness, e.g. { HERD_LOGIN: 'access', ... }. */
  bindings?: Record<string, string>
  /** A fixed port (default: any free one), for tests that must know a stack's origin before it starts. */
  port?: number
  /** Binds CACHE everywhere to a Durable Object whose every call throws (the harness's BrokenCacheObject). */
  brokenCache?: boolean
}

/**
 * The whole of Herd in workerd, with fresh in-memory storage: the Pages Functions, the
 * Durable Objects Worker, the queue consumer, and a harness Worker for driving backend code.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!existsSync(join(ROOT, '.build', 'pages', 'index.js'))) throw new Error('Run `npm run build` first (npm test does it).')
  const metrics = { HERD_EXPOSE_METRICS: '1', HERD_LOGIN: 'builtin', HERD_KEK: TEST_KEK, VAPID_PRIVATE_KEY: TEST_VAPID_PRIVATE_KEY, ...options.bindings }
  const pages = workerFromToml('wrangler.toml', '.build/pages/index.js', metrics)
  pages.serviceBindings = { ASSETS: serveAssets }
  const harness = workerFromToml('wrangler.toml', '.build/harness/index.js', metrics)
  harness.name = 'herd-test-harness'
  harness.routes = ['harness.test/*']
  const workers = [pages, workerFromToml('do/wrangler.toml', '.build/do/index.js'), workerFromToml('consumer/wrangler.toml', '.build/consumer/index.js', metrics), harness]
  if (options.brokenCache) {
    for (const w of workers) if (w.durableObjects?.CACHE !== undefined) w.durableObjects.CACHE = { className: 'BrokenCacheObject', scriptName: 'herd-test-harness' }
  }
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: options.port ?? 0,
    workers,
  })
  const url = await mf.ready
  const db = (await mf.getD1Database('DB')) as unknown as D1Database
  try {
    if (options.prepareDb) await options.prepareDb(db)
    else await applyMigrations(db)
  } catch (e) {
    // Otherwise workerd outlives the failed test file and jest never exits.
    await mf.dispose()
    throw e
  }
  const base = url.href.replace(/\/$/, '')
  return {
    mf,
    url,
    db,
    fetch: (path, init) => fetch(base + path, { redirect: 'manual', ...init }),
    // Routed by host name to the harness Worker (fetch may not set Host, so Miniflare dispatches).
    harness: async (path, init) => (await mf.dispatchFetch(`http://harness.test${path}`, init as never)) as unknown as Response,
    dispose: () => mf.dispose(),
  }
}

/**
 * Fires the consumer Worker's Cron Trigger once, as Cloudflare does every minute (consumer/wrangler.toml),
 * and waits for the handler to finish.
 */
export async function runCron(stack: Pick<Stack, 'mf'>): Promise<void> {
  const consumer = await stack.mf.getWorker('herd-consumer')
  const result = await consumer.scheduled({ cron: '* * * * *', scheduledTime: new Date() })
  if (result.outcome !== 'ok') throw new Error(`cron run ended with ${result.outcome}`)
}

/** Polls until `check` returns a value, for work that happens asynchronously (the queue). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, attempts = 100, everyMs = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check()
    if (value !== undefined && value !== null && value !== false) return value
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** A free TCP port on 127.0.0.1, for stacks that must know each other's origin before they start. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
