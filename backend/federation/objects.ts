// The ActivityPub documents of local things: the Person of a local account, the Note of a local status and the
// Create (or Announce, for a reblog) that carries it. Both the routes that serve them and outbound delivery
// render through here, so what a peer fetches is what it was sent.
import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { MediaAttachmentsTable } from '../db/schema'
import { defaultAvatar, defaultHeader, type AccountRow } from '../mastodon/account'
import { snapshot, type StatusRow } from '../mastodon/status'
import { statusActivityUri } from './activity-ids'
import { writeApTags } from './ap-tags'
import { isExpired, loadPollRows, pollCounts, pollTitles, type PollRow } from '../polls/render'

export const AS_PUBLIC = 'https://www.w3.org/ns/activitystreams#Public'

/** JSON-LD context for what we publish: ActivityStreams, the security vocabulary, and the Mastodon terms we use. */
export const AP_CONTEXT = [
  'https://www.w3.org/ns/activitystreams',
  'https://w3id.org/security/v1',
  {
    manuallyApprovesFollowers: 'as:manuallyApprovesFollowers',
    sensitive: 'as:sensitive',
    Hashtag: 'as:Hashtag',
    toot: 'http://joinmastodon.org/ns#',
    featured: { '@id': 'toot:featured', '@type': '@id' },
    discoverable: 'toot:discoverable',
    indexable: 'toot:indexable',
    blurhash: 'toot:blurhash',
    focalPoint: { '@container': '@list', '@id': 'toot:focalPoint' },
    Emoji: 'toot:Emoji',
    schema: 'http://schema.org#',
    PropertyValue: 'schema:PropertyValue',
    value: 'schema:value',
    votersCount: 'toot:votersCount',
  },
]

export type ApObject = Record<string, unknown>

/** The URLs hanging off a local actor's id. */
export function actorUrls(actorUri: string) {
  return {
    inbox: `${actorUri}/inbox`,
    outbox: `${actorUri}/outbox`,
    followers: `${actorUri}/followers`,
    following: `${actorUri}/following`,
    featured: `${actorUri}/collections/featured`,
    keyId: `${actorUri}#main-key`,
  }
}

/** The id of a local status: what a new local status stores as its uri. */
export function localStatusUri(origin: string, username: string, statusId: string): string {
  return `${origin}/users/${username}/statuses/${statusId}`
}

export function sharedInboxUrl(origin: string): string {
  return `${origin}/inbox`
}

/**
 * to/cc for a visibility, as Mastodon addresses them: public is to Public, unlisted cc's it, followers-only
 * reaches the followers collection, direct only the mentioned actors. Mentioned actors are always addressed.
 */
export function addressing(visibility: StatusRow['visibility'], authorUri: string, mentioned: string[]): { to: string[]; cc: string[] } {
  const followers = actorUrls(authorUri).followers
  switch (visibility) {
    case 'public':
      return { to: [AS_PUBLIC], cc: [followers, ...mentioned] }
    case 'unlisted':
      return { to: [followers], cc: [AS_PUBLIC, ...mentioned] }
    case 'private':
      return { to: [followers], cc: mentioned }
    case 'direct':
      return { to: mentioned, cc: [] }
  }
}

interface Field {
  name: string
  value: string
}

function fieldsOf(json: string): Field[] {
  try {
    const list: unknown = JSON.parse(json)
    if (!Array.isArray(list)) return []
    return list
      .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
      .map((f) => ({ name: String(f.name ?? ''), value: String(f.value ?? '') }))
  } catch {
    return []
  }
}

function imageOf(url: string): ApObject {
  const ext = /\.(png|jpe?g|gif|webp|avif)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase()
  const mediaType = ext ? `image/${ext === 'jpg' ? 'jpeg' : ext}` : undefined
  return { type: 'Image', ...(mediaType ? { mediaType } : {}), url }
}

/** The Person (or Service, for bots) document of a local account. */
export function renderPerson(account: AccountRow, origin: string): ApObject {
  const urls = actorUrls(account.uri)
  return {
    '@context': AP_CONTEXT,
    id: account.uri,
    type: account.bot === 1 ? 'Service' : 'Person',
    preferredUsername: account.username,
    name: account.display_name,
    summary: account.note,
    url: account.url ?? `${origin}/@${account.username}`,
    inbox: urls.inbox,
    outbox: urls.outbox,
    followers: urls.followers,
    following: urls.following,
    featured: urls.featured,
    endpoints: { sharedInbox: sharedInboxUrl(origin) },
    manuallyApprovesFollowers: account.locked === 1,
    discoverable: account.discoverable === 1,
    indexable: account.discoverable === 1,
    published: `${account.created_at.slice(0, 10)}T00:00:00Z`,
    icon: imageOf(account.avatar_url ?? defaultAvatar(origin)),
    image: imageOf(account.header_url ?? defaultHeader(origin)),
    attachment: fieldsOf(account.fields).map((f) => ({ type: 'PropertyValue', name: f.name, value: f.value })),
    publicKey: { id: urls.keyId, owner: account.uri, publicKeyPem: account.public_key_pem ?? '' },
    tag: [],
  }
}

interface MentionSnapshot {
  username: string
  domain: string
  uri: string
}


/** The attachment columns a Note shows. */
export type MediaForNote = Pick<
  Selectable<MediaAttachmentsTable>,
  'status_id' | 'r2_key' | 'remote_url' | 'content_type' | 'description' | 'blurhash' | 'width' | 'height' | 'focus_x' | 'focus_y'
>

/** What a Note needs beyond its own row: its author, the uri of the status it replies to, its attachments. */
export interface NoteParts {
  author: AccountRow
  inReplyToUri: string | null
  media: MediaForNote[]
  /** A status with a poll is a Question. */
  poll?: PollRow | null
}

/** The Question fields of a poll, as Mastodon federates them: options with their counts, end time, closing. */
export function questionFields(poll: PollRow): ApObject {
  const counts = pollCounts(poll)
  const options = pollTitles(poll).map((name, i) => ({ type: 'Note', name, replies: { type: 'Collection', totalItems: counts[i] ?? 0 } }))
  return {
    [poll.multiple === 1 ? 'anyOf' : 'oneOf']: options,
    ...(poll.expires_at !== null ? { endTime: poll.expires_at } : {}),
    ...(isExpired(poll) && poll.expires_at !== null ? { closed: poll.expires_at } : {}),
    votersCount: poll.voters_count ?? 0,
  }
}

/** The Note of a local status. The status must not be a reblog (that is an Announce: renderAnnounce). */
export function renderNote(row: StatusRow, parts: NoteParts, origin: string): ApObject {
  const host = new URL(origin).host
  const mentions = snapshot<MentionSnapshot>(row.mentions_json)
  const { to, cc } = addressing(
    row.visibility,
    parts.author.uri,
    mentions.map((m) => m.uri),
  )
  const tags = snapshot<string>(row.tags_json)
  return {
    id: row.uri,
    type: parts.poll ? 'Question' : 'Note',
    summary: row.spoiler_text === '' ? null : row.spoiler_text,
    inReplyTo: parts.inReplyToUri,
    published: row.created_at,
    ...(row.edited_at ? { updated: row.edited_at } : {}),
    url: row.url ?? `${origin}/@${parts.author.username}/${row.id}`,
    attributedTo: parts.author.uri,
    to,
    cc,
    sensitive: row.sensitive === 1,
    content: row.content,
    ...(row.language ? { contentMap: { [row.language]: row.content } } : {}),
    attachment: parts.media.map((m) => ({
      type: 'Document',
      mediaType: m.content_type,
      url: m.r2_key !== null ? `${origin}/media/${m.r2_key}` : (m.remote_url ?? ''),
      name: m.description,
      blurhash: m.blurhash,
      ...(m.width !== null && m.height !== null ? { width: m.width, height: m.height } : {}),
      focalPoint: [m.focus_x, m.focus_y],
    })),
    tag: writeApTags({
      mentions: mentions.map((m) => ({ href: m.uri, name: `@${m.username}@${m.domain === '' ? host : m.domain}` })),
      hashtags: tags.map((name) => ({ name: name.toLowerCase(), href: `${origin}/tags/${encodeURIComponent(name.toLowerCase())}` })),
      emoji: [],
    }),
    replies: {
      id: `${row.uri}/replies`,
      type: 'Collection',
    },
    ...(parts.poll ? questionFields(parts.poll) : {}),
  }
}

/** The Create that carries a Note; it has the Note's addressing. */
export function renderCreate(note: ApObject): ApObject {
  const { '@context': _context, ...object } = note
  return {
    '@context': AP_CONTEXT,
    id: statusActivityUri(String(note.id)),
    type: 'Create',
    actor: note.attributedTo,
    published: note.published,
    to: note.to,
    cc: note.cc,
    object,
  }
}

/** The Announce of a local reblog: `originalUri` is the reblogged status's id, `originalAuthorUri` its author. */
export function renderAnnounce(reblog: StatusRow, actorUri: string, originalUri: string, originalAuthorUri: string): ApObject {
  const { to, cc } = addressing(reblog.visibility, actorUri, [originalAuthorUri])
  return {
    '@context': AP_CONTEXT,
    id: statusActivityUri(reblog.uri),
    type: 'Announce',
    actor: actorUri,
    published: reblog.created_at,
    to,
    cc,
    object: originalUri,
  }
}

/** A Note with its @context, for serving on its own. */
export function withContext(object: ApObject): ApObject {
  return { '@context': AP_CONTEXT, ...object }
}

/**
 * Loads what renderNote needs for local status rows, in three queries whatever their number:
 * authors, the uris of the statuses they reply to, and their attachments.
 */
export async function loadNoteParts(db: Db, rows: StatusRow[]): Promise<Map<string, NoteParts>> {
  const out = new Map<string, NoteParts>()
  if (rows.length === 0) return out
  const authorIds = [...new Set(rows.map((r) => r.account_id))]
  const parentIds = [...new Set(rows.map((r) => r.in_reply_to_id).filter((id): id is string => id !== null))]
  const ids = rows.map((r) => r.id)
  const pollIds = rows.map((r) => r.poll_id).filter((id): id is string => id !== null)
  const [authors, parents, media, polls] = await Promise.all([
    db.selectFrom('accounts').selectAll().where('id', 'in', authorIds).execute(),
    parentIds.length ? db.selectFrom('statuses').select(['id', 'uri']).where('id', 'in', parentIds).execute() : Promise.resolve([]),
    db
      .selectFrom('media_attachments')
      .select(['status_id', 'r2_key', 'remote_url', 'content_type', 'description', 'blurhash', 'width', 'height', 'focus_x', 'focus_y'])
      .where('status_id', 'in', ids)
      .orderBy('status_id')
      .orderBy('position')
      .execute(),
    loadPollRows(db, pollIds, null),
  ])
  const authorById = new Map(authors.map((a) => [a.id, a]))
  const parentUri = new Map(parents.map((p) => [p.id, p.uri]))
  for (const row of rows) {
    const author = authorById.get(row.account_id)
    if (!author) continue
    out.set(row.id, {
      author,
      inReplyToUri: row.in_reply_to_id === null ? null : (parentUri.get(row.in_reply_to_id) ?? null),
      media: media.filter((m) => m.status_id === row.id),
      poll: row.poll_id === null ? null : (polls.get(row.poll_id) ?? null),
    })
  }
  return out
}

/** The Note of one local status, with its @context, or null when the status or its author is gone. */
export async function localNote(db: Db, statusId: string, origin: string): Promise<ApObject | null> {
  const row = await db.selectFrom('statuses').selectAll().where('id', '=', statusId).where('local', '=', 1).executeTakeFirst()
  if (!row || row.reblog_of_id !== null) return null
  const parts = (await loadNoteParts(db, [row])).get(row.id)
  return parts ? withContext(renderNote(row, parts, origin)) : null
}
