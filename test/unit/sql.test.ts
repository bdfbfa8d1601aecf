import { readFileSync } from 'node:fs'
import { splitSql } from '../helpers/sql'
import { migrationFiles, MIGRATIONS_DIR } from '../helpers/migrations'
import { join } from 'node:path'

describe('splitSql', () => {
  it('keeps semicolons in strings, comments and trigger bodies', () => {
    const sql = `-- a comment; with a semicolon
CREATE TABLE t (a TEXT DEFAULT 'x;y'); /* block; comment */
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET a = 'it''s; fine', b = CASE WHEN 1 THEN 2 ELSE 3 END;
  DELETE FROM t WHERE a = "q;";
END;
INSERT INTO t VALUES ('end')`
    expect(splitSql(sql)).toEqual([
      "CREATE TABLE t (a TEXT DEFAULT 'x;y')",
      `CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET a = 'it''s; fine', b = CASE WHEN 1 THEN 2 ELSE 3 END;
  DELETE FROM t WHERE a = "q;";
END`,
      "INSERT INTO t VALUES ('end')",
    ])
  })

  it('splits every migration into statements that start with a keyword', () => {
    for (const file of migrationFiles()) {
      const statements = splitSql(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'))
      expect(statements.length).toBeGreaterThan(0)
      // A statement may open with a common table expression (WITH … INSERT), as 0016's backfill does.
      for (const s of statements) expect(s).toMatch(/^(CREATE|INSERT|UPDATE|DELETE|ALTER|DROP|PRAGMA|WITH)\b/i)
    }
  })
})
