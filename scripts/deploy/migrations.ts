// After `wrangler d1 migrations apply`, the deploy reads d1_migrations back and compares it with
// migrations/: a migration that did not apply fails the job even if a tool reported success.
import { readdirSync } from 'node:fs'

export function migrationNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
}

/** Names from `wrangler d1 execute --json --command "SELECT name FROM d1_migrations"`. */
export function appliedFromWranglerJson(text: string): string[] {
  const parsed = JSON.parse(text) as Array<{ success?: boolean; results?: Array<{ name?: unknown }> }>
  if (!Array.isArray(parsed) || parsed.some((r) => r.success === false)) throw new Error('the d1_migrations query did not succeed')
  return parsed.flatMap((r) => (r.results ?? []).map((row) => String(row.name)))
}

/** Migration files the database has not recorded as applied. */
export function unappliedMigrations(files: string[], applied: string[]): string[] {
  const done = new Set(applied)
  return files.filter((f) => !done.has(f))
}
