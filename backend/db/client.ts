import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './schema'

export type Db = Kysely<Database>

/** A typed query builder over a D1 binding (pass a MeteredD1 to count rows read). */
export function database(d1: D1Database): Db {
  return new Kysely<Database>({ dialect: new D1Dialect({ database: d1 }) })
}
