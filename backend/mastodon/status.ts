import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { MediaAttachmentsTable, StatusesTable } from '../db/schema'
import { acctOf, profileUrl, renderAccount, type AccountRow, type MastodonAccount } from './account'

export type StatusRow = Selectable<StatusesTable>
type MediaRow = Selectable<MediaAttachmentsTable>

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

function renderMedia(m: MediaRow, origin: string) {
  const url = m.r2_key !== null ? `${origin}/media/${m.r2_key}` : (m.remote_url ?? '')
  const original =
    m.width !== null && m.height !== null
      ? { width: m.width, height: m.height, size: `${m.width}x${m.height}`, aspect: m.width / m.height }
      : undefined
  return {
    id: m.id,
    type: m.type,
    url,
    preview_url: url,
    remote_url: m.r2_key !== null ? null : m.remote_url,
    description: m.description,
    blurhash: m.blurhash,
    meta: { ...(original ? { original, small: original } : {}), focus: { x: m.focus_x, y: m.focus_y } },
  }
}

interface Related {
  accounts: Map<string, AccountRow>
  media: Map<string, MediaRow[]>
  tags: Map<string, string[]>
  mentions: Map<string, AccountRow[]>
  originals: Map<string, StatusRow>
}

/**
 * Loads and renders statuses by id, in the order given, dropping those that are gone. A page costs a
 * fixed number of queries (statuses, reblogged originals, accounts, media, tags, mentions), each
 * reading rows in proportion to the page: no query per status.
 */
export async function loadStatuses(db: Db, ids: string[], origin: string): Promise<MastodonStatus[]> {
  if (ids.length === 0) return []
  const rows = await byIds(ids, (c) => db.selectFrom('statuses').selectAll().where('id', 'in', c).execute())
  const byId = new Map(rows.map((r) => [r.id, r]))
  return renderStatusRows(
    db,
    ids.map((id) => byId.get(id)).filter((r): r is StatusRow => r !== undefined),
    origin,
  )
}

/** Renders status rows already read (for example by a timeline's index scan), in their order. */
export async function renderStatusRows(db: Db, rows: StatusRow[], origin: string): Promise<MastodonStatus[]> {
  if (rows.length === 0) return []
  const originalIds = rows.map((r) => r.reblog_of_id).filter((id): id is string => id !== null)
  const originals = await byIds(originalIds, (c) => db.selectFrom('statuses').selectAll().where('id', 'in', c).execute())
  const all = [...rows, ...originals]
  const having = (count: (r: StatusRow) => number) => all.filter((r) => count(r) > 0).map((r) => r.id)
  const [accounts, media, tags, mentions] = await Promise.all([
    byIds(
      all.map((r) => r.account_id),
      (c) => db.selectFrom('accounts').selectAll().where('id', 'in', c).execute(),
    ),
    byIds(having((r) => r.media_count), (c) => db.selectFrom('media_attachments').selectAll().where('status_id', 'in', c).orderBy('position').execute()),
    byIds(having((r) => r.tags_count), (c) =>
      db.selectFrom('status_tags').innerJoin('tags', 'tags.id', 'status_tags.tag_id').select(['status_tags.status_id', 'tags.name']).where('status_tags.status_id', 'in', c).execute(),
    ),
    byIds(having((r) => r.mentions_count), (c) =>
      db
        .selectFrom('status_mentions')
        .innerJoin('accounts', 'accounts.id', 'status_mentions.account_id')
        .selectAll('accounts')
        .select('status_mentions.status_id')
        .where('status_mentions.status_id', 'in', c)
        .execute(),
    ),
  ])
  const related: Related = {
    accounts: new Map(accounts.map((a) => [a.id, a])),
    media: group(media, (m) => m.status_id ?? ''),
    tags: new Map([...group(tags, (t) => t.status_id)].map(([k, v]) => [k, v.map((t) => t.name)])),
    mentions: group(mentions, (m) => m.status_id),
    originals: new Map(originals.map((o) => [o.id, o])),
  }
  const out: MastodonStatus[] = []
  for (const row of rows) {
    const rendered = renderStatus(row, related, origin)
    if (rendered) out.push(rendered)
  }
  return out
}

function group<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
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
  media_attachments: ReturnType<typeof renderMedia>[]
  mentions: Array<{ id: string; username: string; acct: string; url: string }>
  tags: Array<{ name: string; url: string }>
  card: null
  poll: null
}

function renderStatus(row: StatusRow, related: Related, origin: string): MastodonStatus | null {
  const author = related.accounts.get(row.account_id)
  if (!author) return null
  let reblog: MastodonStatus | null = null
  if (row.reblog_of_id !== null) {
    const original = related.originals.get(row.reblog_of_id)
    reblog = original ? renderStatus(original, related, origin) : null
    // A reblog of something gone, or not public, is not shown at all.
    if (reblog === null || (original && !visibleToPublic(original))) return null
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
    media_attachments: (related.media.get(row.id) ?? []).map((m) => renderMedia(m, origin)),
    mentions: (related.mentions.get(row.id) ?? []).map((a) => ({ id: a.id, username: a.username, acct: acctOf(a), url: profileUrl(a, origin) })),
    tags: (related.tags.get(row.id) ?? []).map((name) => ({ name: name.toLowerCase(), url: `${origin}/tags/${encodeURIComponent(name.toLowerCase())}` })),
    card: null,
    poll: null,
  }
}
