import { database, type Db } from '../db/client'
import { errorMessage } from '../cache/client'
import { publishDelete, publishStatus, type StatusAudience } from '../streaming/publish'
import type { Env } from '../env'
import type { RequestData } from '../http/context'
import { originOf } from '../instance/documents'

/** What a status write needs from the request: bindings, the metered D1 for batches, and the site's origin. */
export interface Writer {
  env: Env
  d1: D1Database
  db: Db
  site: { origin: string; domain: string }
  /** Work that runs after the response is sent (streaming events): the request's waitUntil. */
  afterResponse: (work: Promise<unknown>) => void
}

export function writerOf(ctx: { env: Env; data: RequestData; request: Request; waitUntil: (p: Promise<unknown>) => void }): Writer {
  return { env: ctx.env, d1: ctx.data.d1, db: ctx.data.db, site: originOf(ctx.request.url), afterResponse: (p) => ctx.waitUntil(p) }
}

/** Streams a created or edited status once the response is on its way (see backend/streaming). */
export function streamStatus(w: Writer, statusId: string, event: 'update' | 'status.update'): void {
  w.afterResponse(publishStatus(w.env, database(w.env.DB), statusId, event, w.site.origin).catch((err) => console.error('streaming: publish failed', errorMessage(err))))
}

/** Streams a deletion; the audience must be read before the row goes. */
export function streamDelete(w: Writer, statusId: string, audience: StatusAudience | null): void {
  if (audience === null) return
  w.afterResponse(publishDelete(w.env, statusId, audience).catch((err) => console.error('streaming: delete failed', errorMessage(err))))
}
