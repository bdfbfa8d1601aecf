import { sql } from 'kysely'
import type { Db } from '../db/client'
import { listChannel } from './streams'
import { snapshot, type StatusRow } from '../mastodon/status'

/**
 * Who may see a status live, on which streams. publishStatus works it out itself; a deleter reads
 * it with `statusAudience` BEFORE deleting the row (the home_feed rows go with it) and passes it to
 * publishDelete, so a `delete` reaches exactly the streams that could have shown the status.
 * Plain data, so it can also travel in a queue message.
 */
export interface StatusAudience {
  statusId: string
  authorId: string
  /** Public channels (see channelOf): public, public:local|remote, their :media forms, hashtag[:local]. */
  channels: string[]
  /** Local accounts whose home timeline holds the status (home_feed rows): their `user` stream. */
  home: string[]
  /** For direct statuses: the local author and the local accounts mentioned. */
  direct: string[]
  /**
   * Accounts that must not get it: they block or mute its author, a mentioned account, or the
   * author of the reblogged post, or the author blocks them.
   */
  exclude: string[]
}

interface MentionSnapshot {
  id: string
  domain: string
}

export async function statusAudience(db: Db, statusId: string): Promise<StatusAudience | null> {
  const row = await db.selectFrom('statuses').selectAll().where('id', '=', statusId).executeTakeFirst()
  return row === undefined ? null : audienceOfRow(db, row)
}

/** Four indexed queries at most: the reblogged post's author, the home_feed and list_feed rows, and the blocks and mutes. */
export async function audienceOfRow(db: Db, row: StatusRow): Promise<StatusAudience> {
  const mentions = snapshot<MentionSnapshot>(row.mentions_json)
  const involved = new Set([row.account_id, ...mentions.map((m) => m.id)])
  if (row.reblog_of_id !== null) {
    const original = await db.selectFrom('statuses').select('account_id').where('id', '=', row.reblog_of_id).executeTakeFirst()
    if (original) involved.add(original.account_id)
  }
  const ids = JSON.stringify([...involved])
  const [home, lists, excluded] = await Promise.all([
    db.selectFrom('home_feed').select('account_id').where('status_id', '=', row.id).execute(),
    db.selectFrom('list_feed').innerJoin('lists', 'lists.id', 'list_feed.list_id').select(['lists.id', 'lists.account_id']).where('list_feed.status_id', '=', row.id).execute(),
    sql<{ id: string }>`
      SELECT account_id AS id FROM blocks WHERE target_account_id IN (SELECT value FROM json_each(${ids}))
      UNION SELECT target_account_id FROM blocks WHERE account_id = ${row.account_id}
      UNION SELECT account_id FROM mutes WHERE target_account_id IN (SELECT value FROM json_each(${ids}))
        AND (expires_at IS NULL OR expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    `.execute(db),
  ])

  const channels: string[] = []
  // Public timelines show public originals only, never reblogs: the streams match them.
  if (row.visibility === 'public' && row.reblog_of_id === null) {
    const origin = row.local === 1 ? 'public:local' : 'public:remote'
    channels.push('public', origin)
    if (snapshot<unknown>(row.media_json).length > 0) channels.push('public:media', `${origin}:media`)
    for (const tag of new Set(snapshot<string>(row.tags_json).map((t) => t.toLowerCase()))) {
      channels.push(`hashtag:${tag}`)
      if (row.local === 1) channels.push(`hashtag:local:${tag}`)
    }
  }
  // A list's channel names its owner too, so only the owner's sockets can ever match it.
  for (const list of lists) channels.push(listChannel(list.id, list.account_id))
  const direct =
    row.visibility === 'direct' ? [...new Set([...(row.local === 1 ? [row.account_id] : []), ...mentions.filter((m) => m.domain === '').map((m) => m.id)])] : []
  return {
    statusId: row.id,
    authorId: row.account_id,
    channels,
    home: home.map((h) => h.account_id),
    direct,
    // The author always sees their own post.
    exclude: excluded.rows.map((r) => r.id).filter((id) => id !== row.account_id),
  }
}
