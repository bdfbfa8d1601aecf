import { splitSql } from './sql'

/**
 * Escape hatch for a migration that must destroy data on purpose (for example dropping a table
 * that never held anything but caches). It needs a reason, and a reviewer sees it:
 *   -- herd:allow-destructive <why this loses nothing>
 */
export const ALLOW_DESTRUCTIVE = /--[ \t]*herd:allow-destructive[ \t]+\S/

const IDENT = String.raw`["\`\[]?(\w+)["\`\]]?`

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ')
}

/**
 * Statements in a migration that would lose data: DROP TABLE, ALTER TABLE … DROP COLUMN and
 * DELETE without WHERE. A DROP is accepted when an earlier statement of the same file copies
 * the table's rows elsewhere (INSERT INTO … SELECT … FROM that table): the table-rebuild pattern
 * SQLite needs for most schema changes.
 */
export function destructiveStatements(sql: string): string[] {
  if (ALLOW_DESTRUCTIVE.test(sql)) return []
  const problems: string[] = []
  const copiedFrom = new Set<string>()
  for (const raw of splitSql(sql)) {
    const s = stripComments(raw).replace(/\s+/g, ' ').trim()
    const insertSelect = new RegExp(String.raw`^INSERT (?:OR \w+ )?INTO ${IDENT}[\s\S]*?\bSELECT\b[\s\S]*?\bFROM ${IDENT}`, 'i').exec(s)
    if (insertSelect) copiedFrom.add((insertSelect[2] as string).toLowerCase())
    const dropTable = new RegExp(String.raw`^DROP TABLE (?:IF EXISTS )?${IDENT}`, 'i').exec(s)
    if (dropTable && !copiedFrom.has((dropTable[1] as string).toLowerCase())) {
      problems.push(`${s}: drops table ${dropTable[1]} without first copying its rows (INSERT INTO … SELECT … FROM ${dropTable[1]})`)
    }
    const dropColumn = new RegExp(String.raw`^ALTER TABLE ${IDENT} DROP (?:COLUMN )?${IDENT}`, 'i').exec(s)
    if (dropColumn && !copiedFrom.has((dropColumn[1] as string).toLowerCase())) {
      problems.push(`${s}: drops column ${dropColumn[2]} of ${dropColumn[1]} without first copying it elsewhere`)
    }
    if (/^DELETE FROM \S+$/i.test(s)) problems.push(`${s}: deletes every row`)
  }
  return problems
}

/**
 * Columns a migration declares it changes on purpose in existing rows (a backfill or a
 * recomputed counter), which the upgrade test then does not require to stay equal:
 *   -- herd:may-change instance_counters.value
 */
export function declaredChanges(sql: string): Set<string> {
  return new Set([...sql.matchAll(/--\s*herd:may-change\s+(\w+\.\w+)/g)].map((m) => (m[1] as string).toLowerCase()))
}
