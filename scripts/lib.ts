import { spawn, type SpawnOptions } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The project root: the nearest folder upwards holding Herd's package.json (works under jest too). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'herd') return dir
    if (dirname(dir) === dir) throw new Error(`not inside the Herd project: ${from}`)
  }
}

export const ROOT = findRoot(process.cwd())
export const BIN = join(ROOT, 'node_modules', '.bin')

/**
 * The environment for every tool we run: the project's own binaries (and so its Node 22) first
 * on PATH, and no telemetry.
 */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH ?? ''}`,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_LOG: process.env.WRANGLER_LOG ?? 'warn',
    CLOUDFLARE_SEND_METRICS: 'false',
    // Miniflare would otherwise fetch Request.cf from the internet on start.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    DO_NOT_TRACK: '1',
    ...extra,
  }
}

/** Runs a command to completion, streaming its output, and rejects on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: ROOT, env: toolEnv(), ...options })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise()
      else reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}`))
    })
  })
}
