/**
 * A D1Database wrapper that adds up `meta.rows_read` and `meta.rows_written` for everything run
 * through it. D1 bills by rows read, so the cost of a request is a number we can test and bench.
 *
 * `first()` and `raw()` drop `meta`, so the wrapper runs them through `all()`.
 */
export interface D1Usage {
  queries: number
  rowsRead: number
  rowsWritten: number
}

export function newUsage(): D1Usage {
  return { queries: 0, rowsRead: 0, rowsWritten: 0 }
}

function record(usage: D1Usage, meta: D1Meta | undefined): void {
  usage.queries += 1
  usage.rowsRead += meta?.rows_read ?? 0
  usage.rowsWritten += meta?.rows_written ?? 0
}

class MeteredStatement implements D1PreparedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly usage: D1Usage,
  ) {}

  bind(...values: unknown[]): D1PreparedStatement {
    return new MeteredStatement(this.inner.bind(...values), this.usage)
  }

  async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    const result = await this.inner.all<T>()
    record(this.usage, result.meta)
    return result
  }

  async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    const result = await this.inner.run<T>()
    record(this.usage, result.meta)
    return result
  }

  first<T = unknown>(colName: string): Promise<T | null>
  first<T = Record<string, unknown>>(): Promise<T | null>
  async first<T>(colName?: string): Promise<T | null> {
    const { results } = await this.all<Record<string, unknown>>()
    const row = results[0]
    if (row === undefined) return null
    return (colName === undefined ? row : row[colName]) as T
  }

  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>
  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[] | [string[], ...T[]]> {
    const { results } = await this.all<Record<string, unknown>>()
    const rows = results.map((row) => Object.values(row) as T)
    if (options?.columnNames === true) {
      const names = results[0] === undefined ? [] : Object.keys(results[0])
      return [names, ...rows]
    }
    return rows
  }
}

export class MeteredD1 implements D1Database {
  readonly usage: D1Usage = newUsage()

  constructor(private readonly inner: D1Database) {}

  prepare(query: string): D1PreparedStatement {
    return new MeteredStatement(this.inner.prepare(query), this.usage)
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    const unwrapped = statements.map((s) => (s instanceof MeteredStatement ? s.inner : s))
    const results = await this.inner.batch<T>(unwrapped)
    for (const result of results) record(this.usage, result.meta)
    return results
  }

  exec(query: string): Promise<D1ExecResult> {
    return this.inner.exec(query)
  }

  withSession(constraintOrBookmark?: string): D1DatabaseSession {
    return this.inner.withSession(constraintOrBookmark)
  }

  dump(): Promise<ArrayBuffer> {
    return this.inner.dump()
  }
}
