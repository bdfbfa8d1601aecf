// Builds everything the local stack and the tests run:
//   frontend/dist + frontend/server   Qwik City (client assets, and the SSR bundle Functions import)
//   .build/pages/index.js             the Pages Functions, bundled by wrangler as Pages does
//   .build/{do,consumer,harness}      the other Workers, bundled by esbuild for Miniflare
// It skips the work when no input is newer than the last build.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { builtinModules } from 'node:module'
import { ROOT, run } from './lib.ts'

const INPUTS = ['backend', 'functions', 'frontend/src', 'frontend/public', 'frontend/vite.config.ts', 'frontend/adapters', 'do', 'consumer', 'test/harness', 'package-lock.json', 'wrangler.toml']
const STAMP = join(ROOT, '.build', 'stamp')
export const COMPATIBILITY_DATE = '2026-07-01'

function newestMtime(path: string): number {
  const full = join(ROOT, path)
  if (!existsSync(full)) return 0
  const st = statSync(full)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(full)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

function upToDate(): boolean {
  if (!existsSync(STAMP)) return false
  const built = Number(readFileSync(STAMP, 'utf8'))
  return INPUTS.every((p) => newestMtime(p) <= built)
}

async function buildFrontend(): Promise<void> {
  const cwd = join(ROOT, 'frontend')
  await run('vite', ['build', '--logLevel', 'warn'], { cwd })
  await run('vite', ['build', '--logLevel', 'warn', '-c', 'adapters/cloudflare-pages/vite.config.ts'], { cwd })
  // The adapter writes a _worker.js; Pages would then ignore functions/, so it must go.
  rmSync(join(cwd, 'dist', '_worker.js'), { force: true })
}

async function buildPages(): Promise<void> {
  await run('wrangler', [
    'pages', 'functions', 'build', 'functions',
    '--outdir', '.build/pages',
    '--compatibility-date', COMPATIBILITY_DATE,
    '--compatibility-flags', 'nodejs_compat',
  ])
}

/**
 * What wrangler does for nodejs_compat, so the test bundles match a deploy: bare Node built-ins
 * (`require('crypto')` in CommonJS packages such as web-push) become imports of `node:` modules.
 */
const nodeBuiltins: Plugin = {
  name: 'node-builtins',
  setup(b) {
    const names = new Set(builtinModules.filter((m) => !m.startsWith('_')))
    b.onResolve({ filter: /^[a-z_/]+$/ }, (args) => {
      if (!names.has(args.path)) return undefined
      if (args.kind === 'require-call') return { path: args.path, namespace: 'node-require' }
      return { path: `node:${args.path}`, external: true }
    })
    b.onLoad({ filter: /.*/, namespace: 'node-require' }, (args) => ({
      contents: `import lib from 'node:${args.path}'; module.exports = lib;`,
      loader: 'js',
    }))
  },
}

async function bundleWorker(entry: string, outdir: string): Promise<void> {
  await build({
    plugins: [nodeBuiltins],
    entryPoints: [join(ROOT, entry)],
    outfile: join(ROOT, outdir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'warning',
  })
}

export async function buildAll(force = false): Promise<void> {
  if (!force && upToDate()) {
    console.log('build: up to date')
    return
  }
  const started = Date.now()
  const stampTime = Date.now()
  await buildFrontend()
  await Promise.all([
    buildPages(),
    bundleWorker('do/index.ts', '.build/do'),
    bundleWorker('consumer/index.ts', '.build/consumer'),
    bundleWorker('test/harness/worker.ts', '.build/harness'),
  ])
  writeFileSync(STAMP, String(stampTime))
  console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(ROOT, join(ROOT, '.build'))}/, frontend/dist, frontend/server)`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAll(process.argv.includes('--force'))
}
