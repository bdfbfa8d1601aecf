import type { Db } from '../db/client'
import { HttpError } from '../http/errors'
import { isId } from '../ids'

export type MarkerTimeline = 'home' | 'notifications'
const TIMELINES: readonly MarkerTimeline[] = ['home', 'notifications']

export interface Marker {
  last_read_id: string
  version: number
  updated_at: string
}

/** GET /api/v1/markers: the asked-for timelines that have a marker (all when none are named). */
export async function readMarkers(db: Db, accountId: string, asked: string[]): Promise<Partial<Record<MarkerTimeline, Marker>>> {
  const wanted = asked.length === 0 ? TIMELINES : TIMELINES.filter((t) => asked.includes(t))
  if (wanted.length === 0) return {}
  const rows = await db
    .selectFrom('markers')
    .select(['timeline', 'last_read_id', 'version', 'updated_at'])
    .where('account_id', '=', accountId)
    .where('timeline', 'in', [...wanted])
    .execute()
  return Object.fromEntries(rows.map((r) => [r.timeline, { last_read_id: r.last_read_id, version: r.version, updated_at: r.updated_at }]))
}

/**
 * POST /api/v1/markers: `home[last_read_id]` and/or `notifications[last_read_id]`. Each save bumps
 * the version, which clients compare to notice that another device moved the marker.
 */
export async function saveMarkers(env: { DB: D1Database }, db: Db, accountId: string, params: Record<string, unknown>): Promise<Partial<Record<MarkerTimeline, Marker>>> {
  const updates: [MarkerTimeline, string][] = []
  for (const timeline of TIMELINES) {
    const entry = params[timeline]
    if (entry === undefined) continue
    const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).last_read_id : undefined
    if (typeof id !== 'string' || !isId(id)) throw new HttpError(422, `Validation failed: ${timeline}[last_read_id] must be an id`)
    updates.push([timeline, id])
  }
  if (updates.length === 0) throw new HttpError(400, 'Provide home[last_read_id] or notifications[last_read_id]')
  const now = new Date().toISOString()
  await env.DB.batch(
    updates.map(([timeline, id]) =>
      env.DB.prepare(
        `INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (account_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id, version = markers.version + 1, updated_at = excluded.updated_at`,
      ).bind(accountId, timeline, id, now),
    ),
  )
  return readMarkers(db, accountId, updates.map(([t]) => t))
}
