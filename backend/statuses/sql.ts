import { sql, type CompiledQuery, type Expression, type SqlBool } from 'kysely'

/**
 * `column IN (ids)` with the whole list as ONE bound JSON parameter: D1 allows 100 bound parameters
 * per query, and a thread or a page of reblogs can hold more ids than that.
 */
export function inList(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(values)])}))`
}

/** A kysely query as a D1 statement, so that several can commit together in one `batch`. */
export function prepared(d1: D1Database, query: { compile(): CompiledQuery }): D1PreparedStatement {
  const { sql: text, parameters } = query.compile()
  return d1.prepare(text).bind(...parameters)
}
