import { sql } from 'kysely'
import type { Db } from '../db/client'

/** What a signed-in viewer has done to each status of a page. */
export interface ViewerFlags {
  favourited: Set<string>
  reblogged: Set<string>
  bookmarked: Set<string>
  pinned: Set<string>
  muted: Set<string>
}

export function noFlags(): ViewerFlags {
  return { favourited: new Set(), reblogged: new Set(), bookmarked: new Set(), pinned: new Set(), muted: new Set() }
}

/** Each flag's table and the column holding the status, all indexed on (account_id, column). */
const SOURCES: ReadonlyArray<{ flag: keyof ViewerFlags; table: string; column: string }> = [
  { flag: 'favourited', table: 'favourites', column: 'status_id' },
  { flag: 'reblogged', table: 'statuses', column: 'reblog_of_id' },
  { flag: 'bookmarked', table: 'bookmarks', column: 'status_id' },
  { flag: 'pinned', table: 'status_pins', column: 'status_id' },
  { flag: 'muted', table: 'status_mutes', column: 'status_id' },
]

/** D1 allows 100 bound parameters per query. */
const CHUNK = 90

async function probe(db: Db, viewerId: string, source: (typeof SOURCES)[number], ids: string[], flags: ViewerFlags): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK)
    const { rows } = await sql<{ id: string }>`
      SELECT ${sql.ref(source.column)} AS id FROM ${sql.table(source.table)}
       WHERE account_id = ${viewerId} AND ${sql.ref(source.column)} IN (${sql.join(chunk)})`.execute(db)
    for (const r of rows) flags[source.flag].add(r.id)
  }
}

/**
 * The viewer's flags for a page of statuses. D1 bills an index probe per id as a row read, so
 * instead each flag table is read as ONE range scan of the viewer's own rows between the page's
 * oldest and newest ids (all five in one round trip): it reads only what the viewer did to
 * statuses of that stretch of time, usually nothing. Where the viewer did more than the page
 * holds, or for reblogged originals outside the stretch, it falls back to probing those ids.
 * Either way the rows read are bounded by the page size.
 */
export async function viewerFlags(db: Db, viewerId: string, pageIds: string[], originalIds: string[] = []): Promise<ViewerFlags> {
  const flags = noFlags()
  const wanted = new Set([...pageIds, ...originalIds])
  if (wanted.size === 0) return flags
  const sorted = [...pageIds].sort()
  const low = sorted[0]
  const high = sorted[sorted.length - 1]
  const inRange = (id: string) => low !== undefined && high !== undefined && id >= low && id <= high
  const ranged = [...wanted].filter(inRange)
  const strays = [...wanted].filter((id) => !inRange(id))
  const work: Promise<void>[] = []
  if (low !== undefined && high !== undefined) {
    const cap = ranged.length
    const { rows } = await sql<{ flag: keyof ViewerFlags; id: string }>`${sql.join(
      SOURCES.map(
        (s) => sql`SELECT * FROM (SELECT ${s.flag} AS flag, ${sql.ref(s.column)} AS id FROM ${sql.table(s.table)}
          WHERE account_id = ${viewerId} AND ${sql.ref(s.column)} >= ${low} AND ${sql.ref(s.column)} <= ${high}
          ORDER BY ${sql.ref(s.column)} LIMIT ${cap + 1})`,
      ),
      sql` UNION ALL `,
    )}`.execute(db)
    for (const s of SOURCES) {
      const found = rows.filter((r) => r.flag === s.flag)
      if (found.length > cap) work.push(probe(db, viewerId, s, ranged, flags))
      else for (const r of found) if (wanted.has(r.id)) flags[s.flag].add(r.id)
    }
  }
  if (strays.length > 0) for (const s of SOURCES) work.push(probe(db, viewerId, s, strays, flags))
  await Promise.all(work)
  return flags
}
