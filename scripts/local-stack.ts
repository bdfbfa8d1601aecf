// Launches the local stack: one `wrangler pages dev` process running the Pages project, the
// Durable Objects Worker and the queue consumer on workerd, with D1 migrated first.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse, stringify } from 'smol-toml'
import { ROOT, run, toolEnv } from './lib.ts'

export interface LocalStackOptions {
  port: number
  ip?: string
  persist?: string
  /** Extra `--binding KEY=VALUE` variables. */
  bindings?: Record<string, string>
  /** Where wrangler's own output goes. */
  stdio?: 'inherit' | 'pipe' | 'ignore'
  /** Fire the once-a-minute Cron Trigger work (scheduled posts, ending polls); default true. */
  cron?: boolean
}

export interface LocalStack {
  url: string
  child: ChildProcess
  /** Stops wrangler and every workerd it started (they share a process group). */
  stop(signal?: NodeJS.Signals): void
}

/**
 * The variables `npm start` hands on from its own environment, only when set: HERD_DEV_ALLOW_HOSTS lets
 * two local instances federate over plain http; the ATPROTO_* ones point the Bluesky bridge at a local
 * PLC directory and relay (scripts/dev/atproto-loopback.ts). Unset, the production defaults apply.
 */
export const PASSED_THROUGH = ['HERD_DEV_ALLOW_HOSTS', 'ATPROTO_PLC_URL', 'ATPROTO_RELAYS', 'ATPROTO_DNS_RESOLVER'] as const

export function passedThrough(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(PASSED_THROUGH.flatMap((k) => (env[k] ? [[k, env[k]]] : [])))
}

export async function migrateLocal(persist: string): Promise<void> {
  await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], { env: toolEnv({ CI: 'true' }) })
}

/**
 * `wrangler pages dev` hands `--binding` values to the Pages project only; the other Workers read variables
 * from a `.dev.vars` beside their config. So the consumer (which opens keys with HERD_KEK and fetches under
 * HERD_DEV_ALLOW_HOSTS) runs from a copy of its config in this instance's state folder, with the same bindings
 * in a `.dev.vars` there: two instances never share one.
 */
function consumerConfig(persist: string, bindings: Record<string, string>): string {
  const dir = resolve(ROOT, persist, 'consumer-config')
  mkdirSync(dir, { recursive: true })
  const toml = parse(readFileSync(join(ROOT, 'consumer', 'wrangler.toml'), 'utf8')) as Record<string, unknown> & { d1_databases?: Array<Record<string, unknown>> }
  toml.main = join(ROOT, 'consumer', 'index.ts')
  for (const d of toml.d1_databases ?? []) d.migrations_dir = join(ROOT, 'migrations')
  writeFileSync(join(dir, 'wrangler.toml'), stringify(toml))
  const vars = Object.entries(bindings).map(([k, v]) => `${k}=${JSON.stringify(v)}`)
  writeFileSync(join(dir, '.dev.vars'), `${vars.join('\n')}\n`, { mode: 0o600 })
  return join(dir, 'wrangler.toml')
}

export function launch(options: LocalStackOptions): LocalStack {
  const ip = options.ip ?? '127.0.0.1'
  const persist = options.persist ?? '.wrangler/state'
  const cron = options.cron ?? true
  const bindings = { HERD_EXPOSE_METRICS: '1', ...(cron ? { HERD_DEV_CRON: '1' } : {}), ...options.bindings }
  const args = [
    'pages', 'dev',
    '--ip', ip,
    '--port', String(options.port),
    '--persist-to', persist,
    '--show-interactive-dev-session=false',
    ...Object.entries(bindings).flatMap(([k, v]) => ['--binding', `${k}=${v}`]),
    '-c', 'wrangler.toml',
    '-c', 'do/wrangler.toml',
    '-c', consumerConfig(persist, bindings),
  ]
  const out = options.stdio ?? 'inherit'
  // Its own process group, so one signal takes down wrangler and workerd together.
  const child = spawn('wrangler', args, { cwd: ROOT, env: toolEnv(), stdio: ['ignore', out === 'inherit' ? 'pipe' : out, out], detached: true })
  const url = `http://${ip}:${options.port}`
  // wrangler pages dev cannot fire the consumer's Cron Trigger: its work is asked for over HTTP instead.
  const ticker = cron ? setInterval(() => void fireCron(url), 60_000) : null
  ticker?.unref()
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (ticker) clearInterval(ticker)
    if (child.pid === undefined || child.exitCode !== null) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }
  return { url, child, stop }
}

/** What the Cron Trigger does once, on a local stack (functions/dev/cron.ts); a failure waits for the next minute. */
export async function fireCron(url: string): Promise<void> {
  try {
    const res = await fetch(`${url}/dev/cron`, { method: 'POST' })
    if (!res.ok) console.error(`local cron: ${res.status} ${await res.text()}`)
  } catch {
    // The stack is not up (yet, or any more).
  }
}

/** Waits until the stack answers, or fails after `timeoutMs`. */
export async function waitUntilReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/noop`)
      if (res.ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the local stack at ${url} did not become ready`)
}
