/**
 * Splits a migration file into statements the way SQLite reads them: semicolons inside strings,
 * comments and trigger bodies (BEGIN … END) do not end a statement.
 */
export function splitSql(sql: string): string[] {
  const statements: string[] = []
  let current = ''
  let depth = 0
  let i = 0
  const word = (at: number, w: string) =>
    sql.slice(at, at + w.length).toUpperCase() === w && !/\w/.test(sql[at - 1] ?? ' ') && !/\w/.test(sql[at + w.length] ?? ' ')
  while (i < sql.length) {
    const c = sql[i] as string
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end + 1
      continue
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 2
      continue
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < sql.length) {
        if (sql[j] === c && sql[j + 1] === c) j += 2
        else if (sql[j] === c) break
        else j += 1
      }
      current += sql.slice(i, j + 1)
      i = j + 1
      continue
    }
    if (word(i, 'BEGIN') && /CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER/i.test(current)) depth += 1
    // CASE … END nests inside trigger bodies; its END must not close the trigger.
    if (word(i, 'CASE') && depth > 0) depth += 1
    if (word(i, 'END') && depth > 0) depth -= 1
    if (c === ';' && depth === 0) {
      if (current.trim()) statements.push(current.trim())
      current = ''
      i += 1
      continue
    }
    current += c
    i += 1
  }
  if (current.trim()) statements.push(current.trim())
  return statements
}
