/**
 * Brings the FTS5 indexes up to date with what writers changed. Triggers on statuses and accounts
 * (migrations/0006) note each change in search_index_queue; this replays the oldest entries in one
 * transaction: drop the document, re-add it from the view if its row still exists, forget the
 * entries. Replaying an entry twice gives the same index, so concurrent searches may both run it.
 */
const BATCH = 1000
/**
 * Batches per call. Each costs 6 D1 queries, and the Free plan allows 50 per invocation, so a search
 * replays at most 4,000 changes and leaves the rest to the next one: after a bulk import, search
 * catches up over a few requests instead of failing one.
 */
const MAX_BATCHES = 4

/** One step of the replay, for the entries up to `?` (the last seq of this batch). */
const STEPS = [
  "DELETE FROM statuses_fts WHERE rowid IN (SELECT CAST(id AS INTEGER) FROM search_index_queue WHERE kind = 'status' AND seq <= ?)",
  "INSERT INTO statuses_fts (rowid, text) SELECT doc_id, text FROM status_search_documents WHERE id IN (SELECT id FROM search_index_queue WHERE kind = 'status' AND seq <= ?)",
  "DELETE FROM accounts_fts WHERE rowid IN (SELECT CAST(id AS INTEGER) FROM search_index_queue WHERE kind = 'account' AND seq <= ?)",
  "INSERT INTO accounts_fts (rowid, username, display_name) SELECT doc_id, username, display_name FROM account_search_documents WHERE id IN (SELECT id FROM search_index_queue WHERE kind = 'account' AND seq <= ?)",
  'DELETE FROM search_index_queue WHERE seq <= ?',
]

/**
 * Replays pending changes, oldest first, BATCH entries per transaction and at most MAX_BATCHES. With
 * nothing pending it costs one query that reads nothing. Returns how many entries it replayed.
 */
export async function catchUpSearchIndex(d1: D1Database): Promise<number> {
  let replayed = 0
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const next = await d1.prepare('SELECT max(seq) AS seq, count(*) AS n FROM (SELECT seq FROM search_index_queue ORDER BY seq LIMIT ?)').bind(BATCH).first<{ seq: number | null; n: number }>()
    if (next === null || next.seq === null || next.n === 0) return replayed
    const upTo = next.seq
    await d1.batch(STEPS.map((sql) => d1.prepare(sql).bind(upTo)))
    replayed += next.n
    if (next.n < BATCH) return replayed
  }
  return replayed
}
