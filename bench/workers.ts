// The two Workers the standalone benches run in Miniflare: the test harness (bindings per bench)
// and the Durable Objects Worker with every object class.
import { join } from 'node:path'
import type { WorkerOptions } from 'miniflare'
import { ROOT } from '../scripts/lib.ts'

const COMMON = { modules: true as const, compatibilityDate: '2026-07-01', compatibilityFlags: ['nodejs_compat'] }

export function benchWorkers(harness: Partial<WorkerOptions>): WorkerOptions[] {
  return [
    { ...COMMON, name: 'bench-harness', scriptPath: join(ROOT, '.build', 'harness', 'index.js'), ...harness } as WorkerOptions,
    {
      ...COMMON,
      name: 'herd-do',
      scriptPath: join(ROOT, '.build', 'do', 'index.js'),
      durableObjects: {
        REPO: { className: 'RepoObject', useSQLite: true },
        CACHE: { className: 'CacheObject', useSQLite: true },
        STREAMING: { className: 'StreamingObject', useSQLite: true },
      },
    },
  ]
}
