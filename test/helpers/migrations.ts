import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { splitSql } from './sql'

export const MIGRATIONS_DIR = join(process.cwd(), 'migrations')

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
}

/**
 * Applies migrations exactly as `wrangler d1 migrations apply` does: each file in one batch, in
 * order, recorded in d1_migrations so the state matches what wrangler would have made.
 */
export async function applyMigrations(db: D1Database, upTo?: string): Promise<string[]> {
  await db
    .prepare(
      'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    )
    .run()
  const done = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name))
  const applied: string[] = []
  for (const file of migrationFiles()) {
    if (done.has(file)) continue
    if (upTo !== undefined && file > upTo) break
    const statements = splitSql(readFileSync(join(MIGRATIONS_DIR, file), 'utf8')).map((s) => db.prepare(s))
    statements.push(db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file))
    await db.batch(statements)
    applied.push(file)
  }
  return applied
}
