import { spawn, type SpawnOptions } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
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
