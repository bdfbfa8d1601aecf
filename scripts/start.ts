// npm start: build, migrate the local D1, then run the whole stack on workerd at one URL.
// No Cloudflare account and no network are needed. Ctrl-C stops everything.
import { buildAll } from './build.ts'
import { launch, migrateLocal, waitUntilReady } from './local-stack.ts'

const port = Number(process.env.PORT ?? 8788)
const ip = process.env.HOST ?? '127.0.0.1'
const persist = '.wrangler/state'
const started = Date.now()

await buildAll()
await migrateLocal(persist)
const stack = launch({ port, ip, persist })
stack.child.stdout?.pipe(process.stdout)

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stack.stop(signal))
process.on('exit', () => stack.stop('SIGKILL'))
stack.child.on('exit', (code) => process.exit(code ?? 0))

await waitUntilReady(stack.url)
console.log(`\n  Herd is running at ${stack.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C to stop)\n`)
