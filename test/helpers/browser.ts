import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { launch, migrateLocal, waitUntilReady, type LocalStack } from '../../scripts/local-stack'
import { run, toolEnv } from '../../scripts/lib'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots')

/**
 * Browser tests need Debian's Chromium (`apt-get install chromium`); .ci/run installs it. Where it is
 * missing they are skipped with a notice, unless HERD_BROWSER_TESTS=required makes that a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.HERD_BROWSER_TESTS === 'required') throw new Error(`Chromium not found at ${CHROMIUM}`)
  console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`)
  return false
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // The flags keep Chromium off the network: this machine has none, and it would retry forever.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** The stack exactly as `npm start` runs it, on its own port and fresh state, seeded with SQL. */
export async function startLocalStack(port: number, seedSql: string[] = [], bindings: Record<string, string> = {}): Promise<LocalStack> {
  // Another stack on the port (a bench or another checkout's tests) would answer in place of ours.
  if (!(await portFree(port))) throw new Error(`Port ${port} is already in use: stop what listens there before running this browser test`)
  const persist = `.wrangler/test-state-${port}`
  rmSync(persist, { recursive: true, force: true })
  await migrateLocal(persist)
  for (const command of seedSql) {
    await run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', persist, '--command', command], { env: toolEnv({ CI: 'true' }), stdio: 'ignore' })
  }
  const stack = launch({ port, persist, stdio: 'ignore', bindings })
  await waitUntilReady(stack.url)
  return stack
}
