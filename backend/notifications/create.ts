import type { NotificationType } from '../db/schema'
import type { Env } from '../env'
import { newId } from '../ids'
import type { NotificationMessage } from '../queue/messages'

export interface NewNotification {
  /** The account to notify. Only local accounts get notifications; others are skipped. */
  accountId: string
  fromAccountId: string
  type: NotificationType
  statusId?: string | null
  /**
   * What makes this event unique for the recipient, e.g. `favourite:<favourite id>` or the
   * activity id. Work is delivered at least once: the same key never notifies twice.
   */
  key: string
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/** Types a notification policy may filter or drop (Mastodon's filterable ones); the rest always pass. */
const FILTERABLE = "('mention', 'reblog', 'follow', 'follow_request', 'favourite')"

/** A policy column's action as a rank, so that the strictest applicable one wins: drop > filter > accept. */
function rank(column: string, fallback: string): string {
  return `CASE coalesce(p.${column}, '${fallback}') WHEN 'drop' THEN 2 WHEN 'filter' THEN 1 ELSE 0 END`
}

/**
 * What the recipient's policy does with it: 0 accept, 1 filter, 2 drop. a = recipient, f = sender,
 * p = policy (absent: Mastodon's defaults). Each condition is a probe of a pair index.
 */
const POLICY_ACTION = `CASE
  WHEN ?3 NOT IN ${FILTERABLE} THEN 0
  WHEN EXISTS (SELECT 1 FROM notification_permissions np WHERE np.account_id = a.id AND np.from_account_id = ?2) THEN 0
  ELSE max(
    CASE WHEN NOT EXISTS (SELECT 1 FROM follows fo WHERE fo.account_id = a.id AND fo.target_account_id = ?2 AND fo.state = 'accepted')
      THEN max(${rank('for_not_following', 'accept')},
        CASE WHEN ?3 = 'mention' AND EXISTS (SELECT 1 FROM statuses s WHERE s.id = ?4 AND s.visibility = 'direct' AND coalesce(s.in_reply_to_account_id, '') <> a.id)
          THEN ${rank('for_private_mentions', 'filter')} ELSE 0 END,
        CASE WHEN EXISTS (SELECT 1 FROM instance_domain_blocks d WHERE d.domain = f.domain AND d.severity = 'silence')
          THEN ${rank('for_limited_accounts', 'filter')} ELSE 0 END)
      ELSE 0 END,
    CASE WHEN NOT EXISTS (SELECT 1 FROM follows fo WHERE fo.account_id = ?2 AND fo.target_account_id = a.id AND fo.state = 'accepted'
                            AND fo.created_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-3 days'))
      THEN ${rank('for_not_followers', 'accept')} ELSE 0 END,
    CASE WHEN f.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') THEN ${rank('for_new_accounts', 'accept')} ELSE 0 END)
  END`

/** Favourites and reblogs of one status stay in one group while it spans under 12 hours, as in Mastodon. */
const GROUP_SPAN_HOURS = 12

/**
 * The group key: `favourite-<status>-<hour>` / `reblog-<status>-<hour>` (the hour the group began,
 * read from the newest key with that prefix: one index row), `follow-d<day>`, or `ungrouped-<id>`.
 */
function groupKeyParts(id: string, n: NewNotification, now: number): { prefix: string | null; fixed: string | null; hour: number } {
  const hour = Math.floor(now / 3_600_000)
  if ((n.type === 'favourite' || n.type === 'reblog') && n.statusId) return { prefix: `${n.type}-${n.statusId}-`, fixed: null, hour }
  if (n.type === 'follow') return { prefix: null, fixed: `follow-d${Math.floor(now / 86_400_000)}`, hour }
  return { prefix: null, fixed: `ungrouped-${id}`, hour }
}

/**
 * Two statements per notification, for the caller's own D1 batch, so the action and its
 * notifications commit together: the INSERT, and the upsert of the sender's notification request
 * when the recipient's policy filtered it. Blocks, domain blocks, notification-muting mutes, muted
 * conversations, self-notifications (but a poll's author is told their own poll ended, as on
 * Mastodon) and policy drops are decided in the INSERT itself, at no extra
 * round trip. Call `notificationsCommitted` with the ids after the batch succeeds.
 */
export function notificationStatements(d1: D1Database, items: readonly NewNotification[]): { statements: D1PreparedStatement[]; ids: string[] } {
  const ids: string[] = []
  const now = Date.now()
  const statements = items.flatMap((n) => {
    const id = newId()
    ids.push(id)
    const statusId = n.statusId ?? null
    const key = groupKeyParts(id, n, now)
    const insert = d1
      .prepare(
        `INSERT OR IGNORE INTO notifications (id, account_id, from_account_id, type, status_id, dedupe_key, group_key, filtered)
         SELECT ?1, x.id, ?2, ?3, ?4, ?5,
                coalesce(?8, ?7 || CASE WHEN g.prev IS NOT NULL AND CAST(?9 AS INTEGER) < g.prev + ${GROUP_SPAN_HOURS} THEN g.prev ELSE CAST(?9 AS INTEGER) END),
                x.action = 1
           FROM (SELECT a.id, ${POLICY_ACTION} AS action
                   FROM accounts a JOIN accounts f ON f.id = ?2 LEFT JOIN notification_policies p ON p.account_id = a.id
                  WHERE a.id = ?6 AND a.domain = '' AND (a.id <> ?2 OR ?3 = 'poll')
                    AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id = ?2)
                    AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = a.id AND m.target_account_id = ?2
                                      AND m.notifications = 1 AND (m.expires_at IS NULL OR m.expires_at > ${NOW}))
                    AND (?4 IS NULL OR NOT EXISTS (SELECT 1 FROM status_mutes sm WHERE sm.account_id = a.id AND sm.status_id = ?4))
                    AND NOT EXISTS (SELECT 1 FROM account_domain_blocks d WHERE d.account_id = a.id AND d.domain = f.domain)) x,
                (SELECT max(CAST(substr(group_key, length(?7) + 1) AS INTEGER)) AS prev
                   FROM (SELECT group_key FROM notifications WHERE account_id = ?6 AND group_key > ?7 AND group_key < substr(?7, 1, length(?7) - 1) || '.'
                          ORDER BY group_key DESC LIMIT 1)) g
          WHERE x.action < 2`,
      )
      // D1 binds JS numbers as REAL: the hour goes as text and is cast, or the key would read "…-493056.0".
      .bind(id, n.fromAccountId, n.type, statusId, n.key, n.accountId, key.prefix, key.fixed, String(key.hour))
    // Only when the insert above stored it filtered: an ignored duplicate counts nothing twice.
    const request = d1
      .prepare(
        `INSERT INTO notification_requests (id, account_id, from_account_id, last_status_id, notifications_count)
         SELECT ?1, account_id, from_account_id, status_id, 1 FROM notifications WHERE id = ?2 AND filtered = 1
         ON CONFLICT (account_id, from_account_id) DO UPDATE SET
           notifications_count = notifications_count + 1,
           last_status_id = coalesce(excluded.last_status_id, notification_requests.last_status_id),
           updated_at = ${NOW}`,
      )
      .bind(newId(), id)
    return [insert, request]
  })
  return { statements, ids }
}

/**
 * After the notifications are stored: hand them to the queue, which sends Web Push and streaming
 * events off the request path. Ids whose insert was skipped (or that the policy filtered) are
 * ignored by the consumer: both of its readers look for an unfiltered row.
 */
export async function notificationsCommitted(env: Pick<Env, 'QUEUE'>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  const messages: { body: NotificationMessage }[] = ids.map((notificationId) => ({ body: { type: 'notification', notificationId } }))
  // sendBatch takes at most 100 messages.
  for (let i = 0; i < messages.length; i += 100) await env.QUEUE.sendBatch(messages.slice(i, i + 100))
}

/** For callers with nothing else to commit: store the notifications, then queue their delivery. */
export async function createNotifications(env: Pick<Env, 'QUEUE' | 'DB'>, items: readonly NewNotification[]): Promise<void> {
  if (items.length === 0) return
  const { statements, ids } = notificationStatements(env.DB, items)
  await env.DB.batch(statements)
  await notificationsCommitted(env, ids)
}
