import { CompiledQuery } from 'kysely'
import type { Db } from '../db/client'

/**
 * For a direct status (?1): the conversation key of each local participant who should see it.
 * The participants are the author and the accounts it mentions; the thread is found by walking
 * in_reply_to_id up to the first stored status (bounded depth). A local participant who blocks or
 * mutes the author gets nothing, as their home timeline gets nothing. Other statuses give no rows.
 */
const KEYS = `
  WITH RECURSIVE
    s AS (SELECT id, account_id, in_reply_to_id FROM statuses WHERE id = ?1 AND visibility = 'direct' AND reblog_of_id IS NULL),
    up(id, parent, depth) AS (
      SELECT id, in_reply_to_id, 0 FROM s
      UNION ALL
      SELECT p.id, p.in_reply_to_id, up.depth + 1 FROM up JOIN statuses p ON p.id = up.parent WHERE up.depth < 200),
    root AS (SELECT id FROM up ORDER BY depth DESC LIMIT 1),
    parts(id) AS (SELECT account_id FROM s UNION SELECT sm.account_id FROM status_mentions sm WHERE sm.status_id = ?1),
    keys AS (
      SELECT o.id AS owner,
             (SELECT id FROM root) AS root_id,
             (SELECT json_group_array(x.id) FROM (SELECT id FROM parts WHERE id <> o.id ORDER BY id) x) AS participants,
             CASE WHEN o.id = s.account_id THEN 0 ELSE 1 END AS unread
        FROM parts o JOIN accounts a ON a.id = o.id AND a.domain = '' CROSS JOIN s
       WHERE o.id = s.account_id OR NOT (
               EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = o.id AND b.target_account_id = s.account_id)
            OR EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = o.id AND m.target_account_id = s.account_id
                         AND (m.expires_at IS NULL OR m.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))))`

/**
 * Opens or advances each participant's conversation: a newer status becomes the last one and sets
 * unread for recipients (read for the author, as Mastodon does); an older one arriving late only
 * joins the conversation. Idempotent: the same status again changes nothing.
 */
const UPSERT_SQL = `${KEYS}
  INSERT INTO conversations (account_id, id, root_id, participants, last_status_id, unread)
  SELECT owner, ?1, root_id, participants, ?1, unread FROM keys WHERE true
  ON CONFLICT (account_id, root_id, participants) DO UPDATE SET
    unread = CASE WHEN excluded.last_status_id > conversations.last_status_id THEN excluded.unread ELSE conversations.unread END,
    last_status_id = max(conversations.last_status_id, excluded.last_status_id)`

const LINK_SQL = `${KEYS}
  INSERT OR IGNORE INTO conversation_statuses (account_id, conversation_id, status_id)
  SELECT c.account_id, c.id, ?1 FROM keys k
    JOIN conversations c ON c.account_id = k.owner AND c.root_id = k.root_id AND c.participants = k.participants`

/** The conversation writes for a stored status, for the batch that stores it (read-your-writes). */
export function conversationStatements(d1: D1Database, statusId: string): D1PreparedStatement[] {
  return [d1.prepare(UPSERT_SQL).bind(statusId), d1.prepare(LINK_SQL).bind(statusId)]
}

/** The same after the fact, for statuses stored elsewhere (federation's inbound Create). */
export async function recordConversations(db: Db, statusId: string): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(UPSERT_SQL, [statusId]))
  await db.executeQuery(CompiledQuery.raw(LINK_SQL, [statusId]))
}
