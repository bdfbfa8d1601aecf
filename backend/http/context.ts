import type { Env } from '../env'
import { MeteredD1 } from '../db/metered-d1'
import { database, type Db } from '../db/client'

/** What the middleware prepares for every request and handlers read from `ctx.data`. */
export interface RequestData extends Record<string, unknown> {
  d1: MeteredD1
  db: Db
}

export function prepareRequestData(env: Env): RequestData {
  const d1 = new MeteredD1(env.DB)
  return { d1, db: database(d1) }
}

/** The environment with DB replaced by the request's metered connection, for code that takes Env. */
export function meteredEnv(env: Env, data: RequestData): Env {
  return { ...env, DB: data.d1 }
}
