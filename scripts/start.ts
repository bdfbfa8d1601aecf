// npm start: build, migrate the local D1, then run the whole stack on workerd at one URL.
// No Cloudflare account and no network are needed. Ctrl-C stops everything.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildAll } from './build.ts'
import { ROOT } from './lib.ts'
import { launch, migrateLocal, passedThrough, waitUntilReady } from './local-stack.ts'

const port = Number(process.env.PORT ?? 8788)
const ip = process.env.HOST ?? '127.0.0.1'
// A second local instance (to federate with the first) runs with its own PORT and HERD_STATE.
const persist = process.env.HERD_STATE ?? '.wrangler/state'
const started = Date.now()

/**
 * Local secrets, generated once and kept with the local state (gitignored), so the private keys
 * of local accounts stay readable across restarts. Never printed.
 */
function devSecrets(): { HERD_KEK: string; VAPID_PRIVATE_KEY: string } {
  const file = resolve(ROOT, persist, 'dev-secrets.json')
  const saved = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as { HERD_KEK?: string; VAPID_PRIVATE_KEY?: string }
  const secrets = {
    HERD_KEK: saved.HERD_KEK || randomBytes(32).toString('base64'),
    // The Web Push key clients subscribe with: made once, like the deploy's (tf/secrets.tf).
    VAPID_PRIVATE_KEY:
      saved.VAPID_PRIVATE_KEY || generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
  if (secrets.HERD_KEK !== saved.HERD_KEK || secrets.VAPID_PRIVATE_KEY !== saved.VAPID_PRIVATE_KEY) {
    mkdirSync(resolve(ROOT, persist), { recursive: true })
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 })
  }
  return secrets
}

await buildAll()
await migrateLocal(persist)
// Locally, people sign in with the built-in email and password login.
const stack = launch({ port, ip, persist, bindings: { HERD_LOGIN: 'builtin', ...devSecrets(), ...passedThrough(process.env) } })
stack.child.stdout?.pipe(process.stdout)

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stack.stop(signal))
process.on('exit', () => stack.stop('SIGKILL'))
stack.child.on('exit', (code) => process.exit(code ?? 0))

await waitUntilReady(stack.url)
console.log(`\n  Herd is running at ${stack.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C to stop)\n`)
