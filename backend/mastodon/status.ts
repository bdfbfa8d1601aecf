import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { StatusesTable } from '../db/schema'
import { acctOf, profileUrl, renderAccount, type AccountRow, type MastodonAccount } from './account'
import { noFlags, viewerFlags, type ViewerFlags } from '../statuses/viewer-flags'
import { renderMediaAttachment, type MastodonMediaAttachment, type MediaFields } from './media'
import { loadPolls, type MastodonPoll } from '../polls/render'

export type StatusRow = Selectable<StatusesTable>

/** Snapshots that triggers keep on each status row (migrations/0004); media ones are `MediaFields`. */
interface MentionSnapshot {
  id: string
  username: string
  domain: string
  url: string | null
  uri: string
}

/** A JSON array snapshot column (media_json, mentions_json, tags_json), or [] if it is not one. */
export function snapshot<T>(json: string): T[] {
  try {
    const value: unknown = JSON.parse(json)
    return Array.isArray(value) ? (value as T[]) : []
  } catch {
    return []
  }
}

/** Who is looking: an account id, or null for a signed-out visitor. */
export type Viewer = { accountId: string } | null

/** D1 allows 100 bound parameters per query; pages stay under it, and bigger lists are split. */
const MAX_PARAMS = 90

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += MAX_PARAMS) out.push(items.slice(i, i + MAX_PARAMS))
  return out
}

async function byIds<R>(ids: string[], load: (chunk: string[]) => Promise<R[]>): Promise<R[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return []
  return (await Promise.all(chunks(unique).map(load))).flat()
}

/**
 * Whether a signed-out visitor may see a status. Signed-in rules (followers-only, direct) build on
 * the relationships of the viewer and live with the authenticated endpoints.
 */
export function visibleToPublic(row: Pick<StatusRow, 'visibility'>): boolean {
  return row.visibility === 'public' || row.visibility === 'unlisted'
}

export function statusUrl(row: Pick<StatusRow, 'id' | 'url' | 'uri' | 'local'>, author: Pick<AccountRow, 'username'>, origin: string): string {
  return row.local === 1 ? `${origin}/@${author.username}/${row.id}` : (row.url ?? row.uri)
}

interface Related {
  accounts: Map<string, AccountRow>
  originals: Map<string, StatusRow>
  viewerId: string | null
  flags: ViewerFlags
  polls: Map<string, MastodonPoll>
}

/**
 * Loads and renders statuses by id, in the order given, dropping those that are gone. A page costs
 * three queries at most (statuses, reblogged originals, authors); media, tags and mentions come
 * from snapshots on the status row.
 */
export async function loadStatuses(db: Db, ids: string[], origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  if (ids.length === 0) return []
  const rows = await byIds(ids, (c) => db.selectFrom('statuses').selectAll().where('id', 'in', c).execute())
  const byId = new Map(rows.map((r) => [r.id, r]))
  return renderStatusRows(
    db,
    ids.map((id) => byId.get(id)).filter((r): r is StatusRow => r !== undefined),
    origin,
    viewerId,
  )
}

/**
 * Renders status rows already read (for example by a timeline's index scan), in their order. With a
 * signed-in viewer, adds their flags (favourited, reblogged…) at one more query for the page.
 */
export async function renderStatusRows(db: Db, rows: StatusRow[], origin: string, viewerId: string | null = null): Promise<MastodonStatus[]> {
  if (rows.length === 0) return []
  const originalIds = rows.map((r) => r.reblog_of_id).filter((id): id is string => id !== null)
  const originals = await byIds(originalIds, (c) => db.selectFrom('statuses').selectAll().where('id', 'in', c).execute())
  const all = [...rows, ...originals]
  const pollIds = all.map((r) => r.poll_id).filter((id): id is string => id !== null)
  const [accounts, flags, polls] = await Promise.all([
    byIds(
      all.map((r) => r.account_id),
      (c) => db.selectFrom('accounts').selectAll().where('id', 'in', c).execute(),
    ),
    // Flags belong to what is shown: a reblog's original (favouriting a reblog favourites its original).
    viewerId === null
      ? noFlags()
      : viewerFlags(
          db,
          viewerId,
          rows.filter((r) => r.reblog_of_id === null).map((r) => r.id),
          originals.map((o) => o.id),
        ),
    // Statuses point at their poll: a page without polls costs no query for them.
    pollIds.length === 0 ? new Map<string, MastodonPoll>() : loadPolls(db, pollIds, viewerId),
  ])
  const related: Related = {
    accounts: new Map(accounts.map((a) => [a.id, a])),
    originals: new Map(originals.map((o) => [o.id, o])),
    viewerId,
    flags,
    polls,
  }
  const out: MastodonStatus[] = []
  for (const row of rows) {
    const rendered = renderStatus(row, related, origin)
    if (rendered) out.push(rendered)
  }
  return out
}

export interface MastodonStatus {
  id: string
  uri: string
  url: string
  account: MastodonAccount
  in_reply_to_id: string | null
  in_reply_to_account_id: string | null
  reblog: MastodonStatus | null
  content: string
  created_at: string
  edited_at: string | null
  emojis: never[]
  replies_count: number
  reblogs_count: number
  favourites_count: number
  sensitive: boolean
  spoiler_text: string
  visibility: StatusRow['visibility']
  language: string | null
  media_attachments: MastodonMediaAttachment[]
  mentions: Array<{ id: string; username: string; acct: string; url: string }>
  tags: Array<{ name: string; url: string }>
  card: null
  poll: MastodonPoll | null
  favourited?: boolean
  reblogged?: boolean
  bookmarked?: boolean
  muted?: boolean
  pinned?: boolean
  /** The source text, only in the answer to a delete (for redrafting). */
  text?: string
}

/** A reblog shows only what its original allows: public posts, or a self-boost of one's own followers-only post. */
function reblogShown(reblog: StatusRow, original: StatusRow): boolean {
  if (visibleToPublic(original)) return true
  return original.visibility === 'private' && original.account_id === reblog.account_id
}

function flagsFor(row: StatusRow, related: Related) {
  if (related.viewerId === null) return {}
  const f = related.flags
  return {
    favourited: f.favourited.has(row.id),
    reblogged: f.reblogged.has(row.id),
    bookmarked: f.bookmarked.has(row.id),
    muted: f.muted.has(row.id),
    // Mastodon only says whether one's own statuses are pinned.
    ...(row.account_id === related.viewerId ? { pinned: f.pinned.has(row.id) } : {}),
  }
}

function renderStatus(row: StatusRow, related: Related, origin: string): MastodonStatus | null {
  const author = related.accounts.get(row.account_id)
  if (!author) return null
  let reblog: MastodonStatus | null = null
  if (row.reblog_of_id !== null) {
    const original = related.originals.get(row.reblog_of_id)
    reblog = original ? renderStatus(original, related, origin) : null
    // A reblog of something gone, or not shareable, is not shown at all.
    if (reblog === null || (original && !reblogShown(row, original))) return null
  }
  return {
    id: row.id,
    uri: row.uri,
    url: statusUrl(row, author, origin),
    account: renderAccount(author, origin),
    in_reply_to_id: row.in_reply_to_id,
    in_reply_to_account_id: row.in_reply_to_account_id,
    reblog,
    content: reblog ? '' : row.content,
    created_at: row.created_at,
    edited_at: row.edited_at,
    emojis: [],
    replies_count: row.replies_count,
    reblogs_count: row.reblogs_count,
    favourites_count: row.favourites_count,
    sensitive: row.sensitive === 1,
    spoiler_text: row.spoiler_text,
    visibility: row.visibility,
    language: row.language,
    media_attachments: snapshot<MediaFields>(row.media_json).map((m) => renderMediaAttachment(m, origin)),
    mentions: snapshot<MentionSnapshot>(row.mentions_json).map((a) => ({ id: a.id, username: a.username, acct: acctOf(a), url: profileUrl(a, origin) })),
    tags: snapshot<string>(row.tags_json).map((name) => ({ name: name.toLowerCase(), url: `${origin}/tags/${encodeURIComponent(name.toLowerCase())}` })),
    card: null,
    poll: row.poll_id === null ? null : (related.polls.get(row.poll_id) ?? null),
    ...flagsFor(row, related),
  }
}
