// Scheduled statuses: a post checked now and stored with its parameters, published later by the consumer's
// cron handler through the normal posting path (backend/statuses/post.ts), at most once.
import { sql, type Selectable } from 'kysely'
import { database, type Db } from '../db/client'
import type { ScheduledStatusesTable } from '../db/schema'
import type { Env } from '../env'
import { isId, newId } from '../ids'
import { HttpError, notFound, unprocessable } from '../http/errors'
import { renderMediaAttachment, type MastodonMediaAttachment } from '../mastodon/media'
import type { MastodonStatus } from '../mastodon/status'
import { originOf } from '../instance/documents'
import { pollParams } from '../polls/draft'
import { checkNewStatus, postStatus } from '../statuses/post'
import { inList } from '../statuses/sql'
import type { Writer } from '../statuses/writer'
import { lowerBound, newestFirst, readsAscending, type PageRequest } from '../timelines/page'
import { errorMessage } from '../cache/client'

/** Mastodon refuses a schedule closer than this: such a post may as well be sent now. */
export const MIN_SCHEDULE_OFFSET_MS = 5 * 60_000
/** How long a cron run holds the rows it publishes; a run that died leaves them to the next run after this. */
const CLAIM_MS = 5 * 60_000
/** Rows one cron run publishes; the rest wait a minute for the next run. */
const PER_RUN = 25
/** Mastodon's limits: this many scheduled statuses in all, and on any one (UTC) day. */
export const MAX_SCHEDULED = 300
export const MAX_SCHEDULED_PER_DAY = 25

/** Refuses a schedule beyond Mastodon's limits; reads at most MAX_SCHEDULED rows of the account's index. */
async function checkScheduleLimits(db: Db, accountId: string, scheduledAt: string, except: string | null): Promise<void> {
  const { rows } = await sql<{ total: number; same_day: number | null }>`
    SELECT count(*) AS total, sum(substr(scheduled_at, 1, 10) = ${scheduledAt.slice(0, 10)}) AS same_day
      FROM scheduled_statuses WHERE account_id = ${accountId} AND id <> ${except ?? ''}
  `.execute(db)
  const counts = rows[0]
  if (except === null && (counts?.total ?? 0) >= MAX_SCHEDULED) throw unprocessable(`Validation failed: You cannot schedule more than ${MAX_SCHEDULED} statuses`)
  if ((counts?.same_day ?? 0) >= MAX_SCHEDULED_PER_DAY) throw unprocessable(`Validation failed: You cannot schedule more than ${MAX_SCHEDULED_PER_DAY} statuses on the same day`)
}

interface ScheduledParams {
  text: string
  visibility: string
  poll: ReturnType<typeof pollParams> | null
  media_ids: string[] | null
  sensitive: boolean | null
  spoiler_text: string | null
  in_reply_to_id: string | null
  language: string | null
  idempotency: string | null
  scheduled_at: null
  application_id: number
  with_rate_limit: boolean
}

export interface MastodonScheduledStatus {
  id: string
  scheduled_at: string
  params: ScheduledParams
  media_attachments: MastodonMediaAttachment[]
}

type ScheduledRow = Selectable<ScheduledStatusesTable>

/** `scheduled_at`: an ISO 8601 time at least five minutes ahead. */
export function readScheduledAt(value: unknown, now: number): string {
  const t = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN
  if (!Number.isFinite(t)) throw unprocessable('Validation failed: Scheduled at must be a date and time (ISO 8601)')
  if (t < now + MIN_SCHEDULE_OFFSET_MS) throw unprocessable('Validation failed: Scheduled at must be at least 5 minutes in the future')
  return new Date(t).toISOString()
}

/** True when a new-status request asks to be scheduled rather than posted. */
export function wantsSchedule(params: Record<string, unknown>): boolean {
  return params.scheduled_at !== undefined && params.scheduled_at !== null && params.scheduled_at !== ''
}

function paramsOf(row: Pick<ScheduledRow, 'params'>): ScheduledParams {
  return JSON.parse(row.params) as ScheduledParams
}

async function renderScheduled(db: Db, rows: ScheduledRow[], origin: string): Promise<MastodonScheduledStatus[]> {
  const ids = rows.map((r) => r.id)
  const media = ids.length === 0 ? [] : await db.selectFrom('media_attachments').selectAll().where(inList('scheduled_status_id', ids)).execute()
  return rows.map((r) => {
    const params = paramsOf(r)
    const order = params.media_ids ?? []
    const own = media.filter((m) => m.scheduled_status_id === r.id).sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))
    return { id: r.id, scheduled_at: r.scheduled_at, params, media_attachments: own.map((m) => renderMediaAttachment(m, origin)) }
  })
}

async function ownScheduled(db: Db, accountId: string, id: string): Promise<ScheduledRow> {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('scheduled_statuses').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()
  if (!row) throw notFound()
  return row
}

async function byIdempotencyKey(db: Db, accountId: string, key: string | null): Promise<ScheduledRow | undefined> {
  if (key === null) return undefined
  return db.selectFrom('scheduled_statuses').selectAll().where('account_id', '=', accountId).where('idempotency_key', '=', key).executeTakeFirst()
}

/**
 * POST /api/v1/statuses with `scheduled_at`: the post is checked exactly as if it were sent now (text, media,
 * poll, visibility, reply), then stored with its media held for it, in one batch.
 */
export async function scheduleStatus(w: Writer, accountId: string, params: Record<string, unknown>, idempotencyKey: string | null): Promise<MastodonScheduledStatus> {
  if (idempotencyKey !== null && idempotencyKey.length > 255) throw unprocessable('Idempotency-Key is too long')
  const now = Date.now()
  const scheduledAt = readScheduledAt(params.scheduled_at, now)
  const earlier = await byIdempotencyKey(w.db, accountId, idempotencyKey)
  if (earlier) return (await renderScheduled(w.db, [earlier], w.site.origin))[0] as MastodonScheduledStatus
  await checkScheduleLimits(w.db, accountId, scheduledAt, null)
  const { draft, poll, visibility, replyTo } = await checkNewStatus(w, accountId, params)
  const id = newId(now)
  const stored: ScheduledParams = {
    text: draft.text,
    visibility,
    poll: poll === null ? null : pollParams(poll),
    media_ids: draft.mediaIds.length > 0 ? draft.mediaIds : null,
    sensitive: draft.sensitive ?? null,
    spoiler_text: draft.spoilerText === '' ? null : draft.spoilerText,
    in_reply_to_id: replyTo?.id ?? null,
    language: draft.language ?? null,
    idempotency: idempotencyKey,
    scheduled_at: null,
    application_id: 0,
    with_rate_limit: false,
  }
  const statements = [
    w.d1
      .prepare('INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5)')
      .bind(id, accountId, scheduledAt, JSON.stringify(stored), idempotencyKey),
    ...draft.mediaIds.map((mediaId) =>
      w.d1
        .prepare('UPDATE media_attachments SET scheduled_status_id = ?1 WHERE id = ?2 AND account_id = ?3 AND status_id IS NULL AND scheduled_status_id IS NULL')
        .bind(id, mediaId, accountId),
    ),
  ]
  try {
    await w.d1.batch(statements)
  } catch (err) {
    // The same key sent twice at once: the other request scheduled it first.
    const winner = await byIdempotencyKey(w.db, accountId, idempotencyKey)
    if (winner) return (await renderScheduled(w.db, [winner], w.site.origin))[0] as MastodonScheduledStatus
    throw err
  }
  return readScheduled(w.db, accountId, id, w.site.origin)
}

/** POST /api/v1/statuses: a Status, or a ScheduledStatus when `scheduled_at` is given. */
export async function createStatus(w: Writer, accountId: string, params: Record<string, unknown>, idempotencyKey: string | null): Promise<MastodonStatus | MastodonScheduledStatus> {
  return wantsSchedule(params) ? scheduleStatus(w, accountId, params, idempotencyKey) : postStatus(w, accountId, params, idempotencyKey)
}

export async function readScheduled(db: Db, accountId: string, id: string, origin: string): Promise<MastodonScheduledStatus> {
  return (await renderScheduled(db, [await ownScheduled(db, accountId, id)], origin))[0] as MastodonScheduledStatus
}

/** GET /api/v1/scheduled_statuses: newest first by id, keyset-paged on the account's index. */
export async function listScheduled(db: Db, accountId: string, page: PageRequest, origin: string): Promise<MastodonScheduledStatus[]> {
  let q = db.selectFrom('scheduled_statuses').selectAll().where('account_id', '=', accountId)
  if (page.maxId !== null) q = q.where('id', '<', page.maxId)
  const low = lowerBound(page)
  if (low !== null) q = q.where('id', '>', low)
  const rows = await q
    .orderBy('id', readsAscending(page) ? 'asc' : 'desc')
    .limit(page.limit)
    .execute()
  return renderScheduled(db, newestFirst(page, rows), origin)
}

/** PUT /api/v1/scheduled_statuses/:id: only the time changes. */
export async function updateScheduled(db: Db, accountId: string, id: string, params: Record<string, unknown>, origin: string): Promise<MastodonScheduledStatus> {
  await ownScheduled(db, accountId, id)
  const scheduledAt = readScheduledAt(params.scheduled_at, Date.now())
  await checkScheduleLimits(db, accountId, scheduledAt, id)
  const result = await db.updateTable('scheduled_statuses').set({ scheduled_at: scheduledAt }).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()
  // Published (or deleted) meanwhile.
  if (Number(result.numUpdatedRows) === 0) throw notFound()
  return readScheduled(db, accountId, id, origin)
}

/** DELETE /api/v1/scheduled_statuses/:id: its media are free again. */
export async function deleteScheduled(d1: D1Database, db: Db, accountId: string, id: string): Promise<Record<string, never>> {
  await ownScheduled(db, accountId, id)
  await d1.batch([
    d1.prepare('UPDATE media_attachments SET scheduled_status_id = NULL WHERE scheduled_status_id = ?1 AND account_id = ?2').bind(id, accountId),
    d1.prepare('DELETE FROM scheduled_statuses WHERE id = ?1 AND account_id = ?2').bind(id, accountId),
  ])
  return {}
}

/** The stored parameters as POST /api/v1/statuses takes them. */
function postParams(p: ScheduledParams): Record<string, unknown> {
  return {
    status: p.text,
    visibility: p.visibility,
    media_ids: p.media_ids ?? undefined,
    sensitive: p.sensitive ?? undefined,
    spoiler_text: p.spoiler_text ?? undefined,
    in_reply_to_id: p.in_reply_to_id ?? undefined,
    language: p.language ?? undefined,
    poll: p.poll ?? undefined,
  }
}

/**
 * The cron handler's half for scheduled posts: claims due rows with ONE conditional UPDATE … RETURNING (so
 * overlapping runs take disjoint rows), then publishes each through postStatus, whose batch deletes the row
 * and stores the idempotency key `scheduled:<id>`: a retried or overlapping run can never publish it twice.
 * A post that can no longer be published (its reply target or media gone) is dropped with a warning.
 */
export async function publishDueStatuses(env: Env, waitUntil: (p: Promise<unknown>) => void, now = Date.now()): Promise<number> {
  const db = database(env.DB)
  const at = new Date(now).toISOString()
  const claimed = await env.DB.prepare(
    `UPDATE scheduled_statuses SET claimed_until = ?1
      WHERE id IN (SELECT id FROM scheduled_statuses WHERE scheduled_at <= ?2 AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY scheduled_at LIMIT ?3)
        AND (claimed_until IS NULL OR claimed_until < ?2)
      RETURNING id, account_id, params`,
  )
    .bind(new Date(now + CLAIM_MS).toISOString(), at, PER_RUN)
    .all<{ id: string; account_id: string; params: string }>()
  let published = 0
  for (const row of claimed.results) {
    const author = await db.selectFrom('accounts').select('uri').where('id', '=', row.account_id).where('domain', '=', '').executeTakeFirst()
    if (!author) continue
    const w: Writer = { env, d1: env.DB, db, site: originOf(author.uri), afterResponse: waitUntil }
    try {
      await postStatus(w, row.account_id, postParams(paramsOf(row)), `scheduled:${row.id}`, row.id)
      published++
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) {
        console.warn(`scheduled: ${row.id} cannot be published and is dropped: ${err.message}`)
        await deleteScheduled(env.DB, db, row.account_id, row.id).catch(() => undefined)
      } else {
        // Left claimed: the next run after the claim expires tries again.
        console.error(`scheduled: publishing ${row.id} failed: ${errorMessage(err)}`)
      }
    }
  }
  return published
}
