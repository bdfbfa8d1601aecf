import type { Db } from '../db/client'
import type { Env } from '../env'
import type { RequestData } from '../http/context'
import { originOf } from '../instance/documents'

/** What a status write needs from the request: bindings, the metered D1 for batches, and the site's origin. */
export interface Writer {
  env: Env
  d1: D1Database
  db: Db
  site: { origin: string; domain: string }
}

export function writerOf(ctx: { env: Env; data: RequestData; request: Request }): Writer {
  return { env: ctx.env, d1: ctx.data.d1, db: ctx.data.db, site: originOf(ctx.request.url) }
}
