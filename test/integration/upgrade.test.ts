// Migrations are upgrades: for every migration k, a database built at schema k and populated
// with representative rows (test/fixtures/migrations/NNNN_*.sql, each seeded right after its own
// migration) is upgraded to the latest schema; every row must survive with the values it had,
// and the API must still serve it (NNNN_*.expect.json). New migrations need a fixture.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyMigrations, migrationFiles, MIGRATIONS_DIR } from '../helpers/migrations'
import { declaredChanges, destructiveStatements } from '../helpers/migration-lint'
import { splitSql } from '../helpers/sql'
import { startStack, type Stack } from '../helpers/stack'

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'migrations')
const MIGRATIONS = migrationFiles()
/**
 * Bookkeeping tables, not user data; and the FTS5 search indexes with their shadow tables, which
 * are derived from statuses and accounts (migrations/0006) and hold binary pages.
 */
const NOT_DATA = /^(d1_migrations|sqlite_.*|_cf_.*|\w+_fts(_\w+)?)$/

type Row = Record<string, unknown>
interface TableSnapshot {
  columns: string[]
  rows: Map<string, Row>
}
type Snapshot = Map<string, TableSnapshot>

function fixturePath(migration: string, ext: '.sql' | '.expect.json'): string {
  return join(FIXTURES, migration.replace(/\.sql$/, ext))
}

async function snapshot(db: D1Database): Promise<Snapshot> {
  const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>()).results
  const out: Snapshot = new Map()
  for (const { name } of tables) {
    if (NOT_DATA.test(name)) continue
    const info = (await db.prepare(`PRAGMA table_info("${name}")`).all<{ name: string; pk: number }>()).results
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
    const keyCols = pk.length > 0 ? pk : ['rowid']
    const rows = (await db.prepare(`SELECT ${pk.length > 0 ? '' : 'rowid, '}* FROM "${name}"`).all<Row>()).results
    out.set(name, { columns: info.map((c) => c.name), rows: new Map(rows.map((r) => [JSON.stringify(keyCols.map((k) => r[k])), r])) })
  }
  return out
}

/** Every way `after` lost or altered what `before` held, in the columns that existed before. */
function losses(before: Snapshot, after: Snapshot, mayChange: Set<string>): string[] {
  const problems: string[] = []
  for (const [table, b] of before) {
    const a = after.get(table)
    if (!a) {
      problems.push(`table ${table} (${b.rows.size} rows) is gone after the upgrade`)
      continue
    }
    for (const [key, row] of b.rows) {
      const now = a.rows.get(key)
      if (!now) {
        problems.push(`${table} row ${key} is gone after the upgrade`)
        continue
      }
      for (const col of b.columns) {
        if (mayChange.has(`${table}.${col}`.toLowerCase())) continue
        if (!(col in now)) problems.push(`${table}.${col} is gone after the upgrade (row ${key})`)
        else if (now[col] !== row[col]) problems.push(`${table}.${col} of row ${key} changed from ${JSON.stringify(row[col])} to ${JSON.stringify(now[col])}`)
      }
    }
  }
  return problems
}

describe('migration files', () => {
  it.each(MIGRATIONS)('%s copies data before any destructive statement', (file) => {
    expect(destructiveStatements(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'))).toEqual([])
  })

  it.each(MIGRATIONS)('%s has a fixture of representative rows', (file) => {
    expect({ file, fixture: existsSync(fixturePath(file, '.sql')) }).toEqual({ file, fixture: true })
  })
})

describe('the destructive-statement check', () => {
  it('refuses drops and wholesale deletes that do not copy first', () => {
    expect(destructiveStatements('DROP TABLE statuses;')).toHaveLength(1)
    expect(destructiveStatements('ALTER TABLE accounts DROP COLUMN note;')).toHaveLength(1)
    expect(destructiveStatements('DELETE FROM accounts;')).toHaveLength(1)
    // Copying from another table does not license dropping this one.
    expect(destructiveStatements('INSERT INTO x SELECT * FROM accounts; DROP TABLE statuses;')).toHaveLength(1)
    // A drop before the copy copies nothing.
    expect(destructiveStatements('DROP TABLE statuses; INSERT INTO s2 SELECT * FROM statuses;')).toHaveLength(1)
  })

  it('accepts the table-rebuild pattern, harmless drops and the documented escape', () => {
    const rebuild = `CREATE TABLE statuses_new (id TEXT PRIMARY KEY);
      INSERT INTO statuses_new (id) SELECT id FROM statuses;
      DROP TABLE statuses;
      ALTER TABLE statuses_new RENAME TO statuses;`
    expect(destructiveStatements(rebuild)).toEqual([])
    expect(destructiveStatements('DROP INDEX accounts_local_active; DELETE FROM accounts WHERE id = 1;')).toEqual([])
    expect(destructiveStatements('-- herd:allow-destructive the table only ever held a cache\nDROP TABLE cache_rows;')).toEqual([])
    expect(destructiveStatements('-- herd:allow-destructive\nDROP TABLE cache_rows;')).toHaveLength(1)
  })
})

describe.each(MIGRATIONS.map((m, i) => [m, i] as const))('upgrading a database populated at %s', (migration, index) => {
  let stack: Stack
  let before: Snapshot
  let after: Snapshot
  const later = MIGRATIONS.slice(index + 1)
  // Declared in the migration itself, or (for a migration already released, which is never
  // edited) in its fixture file.
  const mayChange = new Set(
    later.flatMap((f) => [
      ...declaredChanges(readFileSync(join(MIGRATIONS_DIR, f), 'utf8')),
      ...(existsSync(fixturePath(f, '.sql')) ? declaredChanges(readFileSync(fixturePath(f, '.sql'), 'utf8')) : []),
    ]),
  )

  beforeAll(async () => {
    stack = await startStack({
      prepareDb: async (db) => {
        for (const m of MIGRATIONS.slice(0, index + 1)) {
          await applyMigrations(db, m)
          if (existsSync(fixturePath(m, '.sql'))) await db.batch(splitSql(readFileSync(fixturePath(m, '.sql'), 'utf8')).map((s) => db.prepare(s)))
        }
        before = await snapshot(db)
        await applyMigrations(db)
        after = await snapshot(db)
      },
    })
  })
  afterAll(async () => {
    await stack?.dispose()
  })

  it('reaches the latest schema', async () => {
    const applied = (await stack.db.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>()).results.map((r) => r.name)
    expect(applied).toEqual(MIGRATIONS)
    expect(later.length + index + 1).toBe(MIGRATIONS.length)
  })

  it('was populated: every table of that schema holds representative rows', () => {
    const empty = [...before].filter(([, t]) => t.rows.size === 0).map(([name]) => name)
    expect(empty).toEqual([])
  })

  it('keeps every row, with the values it had', () => {
    expect(losses(before, after, mayChange)).toEqual([])
  })

  it('still serves the rows through the API', async () => {
    const file = fixturePath(migration, '.expect.json')
    const checks = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Array<{ path: string; status?: number; json?: object }>) : []
    expect(checks.length).toBeGreaterThan(0)
    for (const c of checks) {
      const res = await stack.fetch(c.path, { headers: { accept: 'application/json' } })
      expect({ path: c.path, status: res.status }).toEqual({ path: c.path, status: c.status ?? 200 })
      if (c.json) expect(await res.json()).toMatchObject(c.json)
    }
  })
})

describe('the survival check', () => {
  it('notices a lost row, a lost column, a changed value and a dropped table', () => {
    const table = (rows: Row[]): TableSnapshot => ({ columns: ['id', 'v'], rows: new Map(rows.map((r) => [JSON.stringify([r.id]), r])) })
    const before: Snapshot = new Map([
      ['a', table([{ id: 1, v: 'x' }, { id: 2, v: 'y' }])],
      ['b', table([{ id: 1, v: 'z' }])],
    ])
    const after: Snapshot = new Map([['a', { columns: ['id'], rows: new Map([[JSON.stringify([1]), { id: 1 }]]) }]])
    const found = losses(before, after, new Set())
    expect(found).toHaveLength(3)
    expect(found).toEqual(
      expect.arrayContaining(['table b (1 rows) is gone after the upgrade', 'a.v is gone after the upgrade (row [1])', 'a row [2] is gone after the upgrade']),
    )
    const changed: Snapshot = new Map([['a', table([{ id: 1, v: 'X' }, { id: 2, v: 'y' }])], ['b', table([{ id: 1, v: 'z' }])]])
    expect(losses(before, changed, new Set())).toEqual(['a.v of row [1] changed from "x" to "X"'])
    expect(losses(before, changed, new Set(['a.v']))).toEqual([])
  })
})
