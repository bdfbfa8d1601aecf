// node scripts/verify-migrations.ts <file with wrangler d1 execute --json output>
// Fails unless every file in migrations/ is recorded in the remote d1_migrations table.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './lib.ts'
import { appliedFromWranglerJson, migrationNames, unappliedMigrations } from './deploy/migrations.ts'

const file = process.argv[2]
if (!file) {
  console.error('usage: node scripts/verify-migrations.ts <applied.json>')
  process.exit(2)
}
const files = migrationNames(join(ROOT, 'migrations'))
const missing = unappliedMigrations(files, appliedFromWranglerJson(readFileSync(file, 'utf8')))
if (missing.length > 0) {
  console.log(`::error title=D1 migrations not applied::${missing.join(', ')}`)
  console.error(`D1 is missing ${missing.length} migration(s): ${missing.join(', ')}. The deploy stops before publishing code that needs them.`)
  process.exit(1)
}
console.log(`D1 migrations: all ${files.length} applied`)
