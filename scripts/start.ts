// npm start: build, migrate the local D1, then run the Pages project, the Durable Objects Worker
// and the queue consumer in one wrangler process on workerd, with state in .wrangler/state.
// No Cloudflare account and no network are needed.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildAll } from './build.ts'
import { ROOT, run, toolEnv } from './lib.ts'

const port = Number(process.env.PORT ?? process.argv.find((a) => a.startsWith('--port='))?.slice(7) ?? 8788)
const ip = process.env.HOST ?? '127.0.0.1'
const persist = '.wrangler/state'
const started = Date.now()

/**
 * Local secrets, generated once and kept with the local state (gitignored), so the private keys
 * of local accounts stay readable across restarts. Never printed.
 */
function devSecrets(): { HERD_KEK: string } {
  const file = join(ROOT, persist, 'dev-secrets.json')
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { HERD_KEK?: string }
    if (typeof saved.HERD_KEK === 'string' && saved.HERD_KEK !== '') return { HERD_KEK: saved.HERD_KEK }
  }
  const secrets = { HERD_KEK: randomBytes(32).toString('base64') }
  mkdirSync(join(ROOT, persist), { recursive: true })
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 })
  return secrets
}
const secrets = devSecrets()

await buildAll()
await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], { env: toolEnv({ CI: 'true' }) })

const child = spawn(
  'wrangler',
  [
    'pages', 'dev',
    '--ip', ip,
    '--port', String(port),
    '--persist-to', persist,
    '--show-interactive-dev-session=false',
    '--binding', 'HERD_EXPOSE_METRICS=1',
    '--binding', 'HERD_LOGIN=builtin',
    '--binding', `HERD_KEK=${secrets.HERD_KEK}`,
    '-c', 'wrangler.toml',
    '-c', 'do/wrangler.toml',
    '-c', 'consumer/wrangler.toml',
  ],
  // Its own process group, so Ctrl-C can take down workerd with it.
  { cwd: ROOT, env: toolEnv(), stdio: ['inherit', 'pipe', 'inherit'], detached: true },
)

let announced = false
child.stdout?.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk)
  if (!announced && /Ready on/i.test(chunk.toString())) {
    announced = true
    console.log(`\n  Herd is running at http://${ip}:${port}  (started in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C to stop)\n`)
  }
})

function stop(signal: NodeJS.Signals): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal))
process.on('exit', () => stop('SIGKILL'))
child.on('exit', (code) => process.exit(code ?? 0))
