import type { Db } from '../db/client'

/**
 * Hashtags most used in the last week's statuses, until trends exist. Status ids are time-ordered
 * snowflakes, so "the last week" is one range of the status_tags(status_id) index.
 */
export async function recentTags(db: Db, limit = 10, now = Date.now()): Promise<Array<{ name: string; uses: number }>> {
  const since = String(BigInt(now - 7 * 86_400_000) << 16n)
  const rows = await db
    .selectFrom('status_tags as st')
    .innerJoin('tags as t', 't.id', 'st.tag_id')
    .select((eb) => ['t.name', eb.fn.countAll<number>().as('uses')])
    .where('st.status_id', '>=', since)
    .groupBy('t.name')
    .orderBy('uses', 'desc')
    .orderBy('t.name')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ name: r.name, uses: Number(r.uses) }))
}
