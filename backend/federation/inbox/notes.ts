// Remote statuses: a Note (or Article, Page, Question) stored with sanitized content, its hashtags, mentions and
// attachments, threaded to its parent (fetched when missing, up to MAX_PARENT_FETCHES deep), its visibility read
// from its addressing; edits kept as history; deletes leave a tombstone.
import type { Db } from '../../db/client'
import type { MediaAttachmentsTable, StatusesTable } from '../../db/schema'
import type { Env } from '../../env'
import { newId } from '../../ids'
import { notificationStatements, notificationsCommitted, type NewNotification } from '../../notifications/create'
import { linkStatements } from '../../trends/links'
import { fanOutToHomeFeeds } from '../../timelines/queries'
import { publishDelete, publishStatus, statusAudience } from '../../streaming/publish'
import { database } from '../../db/client'
import { fetchActor, fetchObject, federationUrl, InvalidRemoteObject } from '../actors'
import { readApTags } from '../ap-tags'
import type { MediaForNote } from '../objects'
import { sanitizeHtml } from '../sanitize-html'
import { questionOf, remotePollStatement, remotePollUpdate } from '../../polls/inbound'
import { PUBLIC_IDS, dateOf, idOf, idsOf, record, sameOrigin, str, typeOf, type Json } from './read'

/** How many missing ancestors one inbound reply may make us fetch. */
export const MAX_PARENT_FETCHES = 5
/** At most this many attachments are kept, as Mastodon does. */
const MAX_ATTACHMENTS = 16
const MAX_CONTENT_CHARS = 100_000

export const NOTE_TYPES = new Set(['Note', 'Article', 'Page', 'Question'])

export type InboxEnv = Pick<Env, 'DB' | 'QUEUE' | 'HERD_KEK' | 'HERD_DEV_ALLOW_HOSTS' | 'STREAMING' | 'CACHE'>

type Visibility = StatusesTable['visibility']

/** Public in `to` is public, in `cc` unlisted; the author's followers collection is followers-only; else direct. */
export function visibilityOf(object: Json, followersUrl: string | null): Visibility {
  const to = idsOf(object.to)
  const cc = idsOf(object.cc)
  if (to.some((id) => PUBLIC_IDS.has(id))) return 'public'
  if (cc.some((id) => PUBLIC_IDS.has(id))) return 'unlisted'
  const followers = followersUrl ?? `${idOf(object.attributedTo) ?? idOf(object.actor) ?? ''}/followers`
  if ([...to, ...cc].includes(followers)) return 'private'
  return 'direct'
}

function plainText(html: string): string {
  return sanitizeHtml(html)
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

function contentOf(object: Json): { html: string; language: string | null } {
  const map = record(object.contentMap)
  const lang = map ? Object.keys(map).find((k) => typeof map[k] === 'string') : undefined
  const html = str(object.content) ?? (lang && map ? String(map[lang]) : '')
  return { html: sanitizeHtml(html.slice(0, MAX_CONTENT_CHARS)), language: lang && /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(lang) ? lang.slice(0, 16) : null }
}

function mediaTypeOf(mediaType: string | null): MediaAttachmentsTable['type'] {
  if (!mediaType) return 'unknown'
  if (mediaType === 'image/gif') return 'gifv'
  if (mediaType.startsWith('image/')) return 'image'
  if (mediaType.startsWith('video/')) return 'video'
  if (mediaType.startsWith('audio/')) return 'audio'
  return 'unknown'
}

type Attachment = Omit<MediaForNote, 'status_id' | 'r2_key' | 'remote_url'> & { remote_url: string; type: MediaAttachmentsTable['type'] }

function attachmentsOf(env: InboxEnv, object: Json): Attachment[] {
  const list = Array.isArray(object.attachment) ? object.attachment : object.attachment ? [object.attachment] : []
  const out: Attachment[] = []
  for (const item of list.slice(0, MAX_ATTACHMENTS)) {
    const a = record(item)
    if (!a) continue
    const rawUrl = typeof a.url === 'string' ? a.url : idOf(Array.isArray(a.url) ? a.url[0] : a.url) ?? str(record(Array.isArray(a.url) ? a.url[0] : a.url)?.href)
    const url = federationUrl(env, rawUrl)
    if (!url) continue
    const mediaType = str(a.mediaType)
    const focal = Array.isArray(a.focalPoint) ? a.focalPoint : []
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
    const clamp = (v: unknown) => Math.max(-1, Math.min(1, num(v) ?? 0))
    out.push({
      remote_url: url,
      type: mediaType ? mediaTypeOf(mediaType) : typeOf(a) === 'Image' ? 'image' : 'unknown',
      content_type: (mediaType ?? 'application/octet-stream').slice(0, 100),
      description: str(a.name)?.slice(0, 1500) ?? null,
      blurhash: str(a.blurhash)?.slice(0, 100) ?? null,
      width: num(a.width) === null ? null : Math.round(num(a.width) ?? 0),
      height: num(a.height) === null ? null : Math.round(num(a.height) ?? 0),
      focus_x: clamp(focal[0]),
      focus_y: clamp(focal[1]),
    })
  }
  return out
}

async function statusIdByUri(db: Db, uri: string): Promise<{ id: string; account_id: string } | undefined> {
  return db.selectFrom('statuses').select(['id', 'account_id']).where('uri', '=', uri).executeTakeFirst()
}

export async function isTombstoned(db: Db, uri: string): Promise<boolean> {
  return (await db.selectFrom('tombstones').select('uri').where('uri', '=', uri).executeTakeFirst()) !== undefined
}

/** The stored parent of a reply, fetching and storing missing ancestors while `budget` lasts. */
async function parentOf(env: InboxEnv, db: Db, inReplyTo: string | null, budget: number, localOrigin: string): Promise<{ id: string; account_id: string } | null> {
  if (!inReplyTo) return null
  const known = await statusIdByUri(db, inReplyTo)
  if (known) return known
  if (budget <= 0 || sameOrigin(inReplyTo, localOrigin) || !federationUrl(env, inReplyTo)) return null
  try {
    const { json } = await fetchObject(env, db, inReplyTo)
    const id = await storeRemoteNote(env, db, json, { localOrigin, budget: budget - 1 })
    return id ? ((await statusIdByUri(db, inReplyTo)) ?? null) : null
  } catch (err) {
    // A parent we cannot fetch or store leaves the reply unthreaded, not undelivered.
    console.warn(`inbox: parent ${inReplyTo} not stored: ${err instanceof Error ? err.message : String(err)}`)
    return null
  }
}

/** Tags, mentions and attachments of a status, as statements for one batch. */
function detailStatements(d1: D1Database, statusId: string, authorId: string, hashtags: string[], mentionIds: string[], media: Attachment[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = []
  for (const name of hashtags) {
    out.push(d1.prepare('INSERT INTO tags (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING').bind(newId(), name))
    out.push(d1.prepare('INSERT OR IGNORE INTO status_tags (tag_id, status_id) SELECT id, ? FROM tags WHERE name = ? COLLATE NOCASE').bind(statusId, name))
  }
  for (const accountId of mentionIds) {
    out.push(d1.prepare('INSERT OR IGNORE INTO status_mentions (status_id, account_id) VALUES (?, ?)').bind(statusId, accountId))
  }
  media.forEach((m, position) => {
    out.push(
      d1
        .prepare(
          `INSERT INTO media_attachments (id, account_id, status_id, type, remote_url, content_type, description, blurhash, width, height, focus_x, focus_y, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(newId(), authorId, statusId, m.type, m.remote_url, m.content_type, m.description, m.blurhash, m.width, m.height, m.focus_x, m.focus_y, position),
    )
  })
  return out
}

/** Accounts the object mentions that we already know (local ones, and stored remote ones); none are fetched. */
async function mentionedAccounts(db: Db, object: Json): Promise<{ id: string; domain: string }[]> {
  const hrefs = readApTags(object.tag).mentions.map((m) => m.href)
  if (hrefs.length === 0) return []
  return db.selectFrom('accounts').select(['id', 'domain']).where('uri', 'in', hrefs.slice(0, 90)).execute()
}

export interface StoreOptions {
  localOrigin: string
  /** How many missing ancestors may still be fetched. */
  budget?: number
  /** The actor of the activity that carried it: the note must be theirs. */
  actor?: string
}

/**
 * Stores a remote note and returns its status id (the existing one if it is already stored), or null when it
 * is not a note, is tombstoned, or is local. Mentioned local accounts are notified; local followers' home
 * feeds get it. Idempotent on the note's id.
 */
export async function storeRemoteNote(env: InboxEnv, db: Db, object: Json, opts: StoreOptions): Promise<string | null> {
  const uri = federationUrl(env, object.id)
  const type = typeOf(object)
  if (!uri || !type || !NOTE_TYPES.has(type) || sameOrigin(uri, opts.localOrigin)) return null
  const authorUri = idOf(Array.isArray(object.attributedTo) ? object.attributedTo[0] : object.attributedTo)
  if (!authorUri || !sameOrigin(authorUri, uri)) throw new InvalidRemoteObject(`${uri} is not attributed to an actor of its origin`)
  if (opts.actor !== undefined && authorUri !== opts.actor) throw new InvalidRemoteObject(`${uri} is not the actor's own note`)
  const existing = await statusIdByUri(db, uri)
  if (existing) return existing.id
  if (await isTombstoned(db, uri)) return null
  const authorId = await fetchActor(env, db, authorUri, { localOrigin: opts.localOrigin })
  const author = await db.selectFrom('accounts').select(['followers_url']).where('id', '=', authorId).executeTakeFirstOrThrow()
  const parent = await parentOf(env, db, idOf(object.inReplyTo), opts.budget ?? MAX_PARENT_FETCHES, opts.localOrigin)
  const { html, language } = contentOf(object)
  const visibility = visibilityOf(object, author.followers_url)
  const hashtags = readApTags(object.tag).hashtags.map((h) => h.name)
  const mentioned = await mentionedAccounts(db, object)
  const media = attachmentsOf(env, object)
  const now = new Date().toISOString()
  const statusId = newId()
  const question = questionOf(object)
  const pollId = question === null ? null : newId()
  const d1 = env.DB
  const insert = d1
    .prepare(
      `INSERT OR IGNORE INTO statuses (id, uri, url, account_id, local, in_reply_to_id, in_reply_to_account_id, content, spoiler_text, sensitive, language, visibility, created_at, poll_id)
       VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      statusId,
      uri,
      federationUrl(env, typeof object.url === 'string' ? object.url : (idOf(object.url) ?? str(record(object.url)?.href))) ?? uri,
      authorId,
      parent?.id ?? null,
      parent?.account_id ?? null,
      html,
      plainText(str(object.summary) ?? '').slice(0, 1024),
      object.sensitive === true ? 1 : 0,
      language,
      visibility,
      dateOf(object.published, now),
      pollId,
    )
  const notify: NewNotification[] = mentioned.filter((m) => m.domain === '').map((m) => ({ accountId: m.id, fromAccountId: authorId, type: 'mention', statusId, key: `mention:${uri}` }))
  const notifications = notificationStatements(d1, notify)
  const poll = question === null || pollId === null ? [] : [remotePollStatement(d1, pollId, statusId, authorId, question)]
  const results = await d1.batch([
    insert,
    ...poll,
    ...detailStatements(d1, statusId, authorId, hashtags, mentioned.map((m) => m.id), media),
    ...linkStatements(d1, { id: statusId, html, visibility, createdAt: dateOf(object.published, now) }),
    ...notifications.statements,
  ])
  // changes counts the rows the insert's triggers touched too; 0 means the insert was ignored.
  if ((results[0]?.meta.changes ?? 0) === 0) {
    // Stored concurrently by another delivery of the same note.
    return (await statusIdByUri(db, uri))?.id ?? null
  }
  await notificationsCommitted(env, notifications.ids)
  await fanOutToHomeFeeds(db, statusId)
  await publishStatus(env, db, statusId, 'update')
  return statusId
}

/** Applies an Update of a note by its author: the previous version goes to the edit history first. */
export async function updateRemoteNote(env: InboxEnv, db: Db, object: Json, actorId: string): Promise<void> {
  const uri = idOf(object)
  if (!uri) return
  const status = await db.selectFrom('statuses').selectAll().where('uri', '=', uri).executeTakeFirst()
  if (!status || status.account_id !== actorId || status.local === 1) return
  const question = questionOf(object)
  if (question !== null && status.poll_id !== null) {
    // Most Updates of a Question only carry new counts (or its closing): those are not edits.
    await remotePollUpdate(env.DB, status.id, question).run()
    if (object.updated === undefined || (status.edited_at !== null && dateOf(object.updated, '') <= status.edited_at)) {
      await publishStatus(env, db, status.id, 'status.update')
      return
    }
  }
  const updated = dateOf(object.updated, new Date().toISOString())
  // An Update older than the version we hold (deliveries can arrive out of order) changes nothing.
  if (status.edited_at !== null && updated <= status.edited_at) return
  const { html, language } = contentOf(object)
  const spoiler = plainText(str(object.summary) ?? '').slice(0, 1024)
  const sensitive = object.sensitive === true ? 1 : 0
  const media = attachmentsOf(env, object)
  const hashtags = readApTags(object.tag).hashtags.map((h) => h.name)
  const mentioned = await mentionedAccounts(db, object)
  // Local accounts that boosted it hear of the edit, as on Mastodon; newly mentioned ones get their mention.
  const boosters = await db
    .selectFrom('statuses')
    .innerJoin('accounts', 'accounts.id', 'statuses.account_id')
    .select('accounts.id')
    .where('statuses.reblog_of_id', '=', status.id)
    .where('accounts.domain', '=', '')
    .limit(500)
    .execute()
  const notify: NewNotification[] = [
    ...boosters.map((b) => ({ accountId: b.id, fromAccountId: actorId, type: 'update' as const, statusId: status.id, key: `update:${uri}:${updated}` })),
    ...mentioned.filter((m) => m.domain === '').map((m) => ({ accountId: m.id, fromAccountId: actorId, type: 'mention' as const, statusId: status.id, key: `mention:${uri}` })),
  ]
  const d1 = env.DB
  const hasHistory = await db.selectFrom('status_edits').select('id').where('status_id', '=', status.id).executeTakeFirst()
  const statements: D1PreparedStatement[] = []
  // History is listed by id: the original's id must sort before the new version's, even within one millisecond.
  const [originalId = '', versionId = ''] = [newId(), newId()].sort()
  if (!hasHistory) {
    statements.push(
      d1
        .prepare('INSERT INTO status_edits (id, status_id, account_id, content, spoiler_text, sensitive, media_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .bind(originalId, status.id, status.account_id, status.content, status.spoiler_text, status.sensitive, status.media_json, status.created_at),
    )
  }
  statements.push(
    d1
      .prepare('UPDATE statuses SET content = ?, spoiler_text = ?, sensitive = ?, language = coalesce(?, language), edited_at = ? WHERE id = ?')
      .bind(html, spoiler, sensitive, language, updated, status.id),
    d1.prepare('DELETE FROM media_attachments WHERE status_id = ?').bind(status.id),
    d1.prepare('DELETE FROM status_tags WHERE status_id = ?').bind(status.id),
    d1.prepare('DELETE FROM status_mentions WHERE status_id = ?').bind(status.id),
    ...detailStatements(d1, status.id, status.account_id, hashtags, mentioned.map((m) => m.id), media),
    d1
      .prepare('INSERT INTO status_edits (id, status_id, account_id, content, spoiler_text, sensitive, media_json, created_at) SELECT ?, id, account_id, content, spoiler_text, sensitive, media_json, ? FROM statuses WHERE id = ?')
      .bind(versionId, updated, status.id),
  )
  const notifications = notificationStatements(d1, notify)
  await d1.batch([...statements, ...notifications.statements])
  await notificationsCommitted(env, notifications.ids)
  await publishStatus(env, db, status.id, 'status.update')
}

/** Deletes a remote status by its author and remembers its id, so a late Create does not bring it back. */
export async function deleteRemoteNote(env: InboxEnv, uri: string, actorUri: string, actorId: string | null): Promise<void> {
  if (!sameOrigin(uri, actorUri)) return
  const d1 = env.DB
  const statements = [d1.prepare('INSERT OR IGNORE INTO tombstones (uri) VALUES (?)').bind(uri)]
  if (actorId !== null) statements.push(d1.prepare('DELETE FROM statuses WHERE uri = ? AND account_id = ? AND local = 0').bind(uri, actorId))
  // Who saw it is read before it goes, so the delete event reaches exactly them.
  const db = database(d1)
  const existing = actorId === null ? undefined : await statusIdByUri(db, uri)
  const audience = existing !== undefined && existing.account_id === actorId ? await statusAudience(db, existing.id) : null
  await d1.batch(statements)
  if (existing !== undefined && audience !== null) await publishDelete(env, existing.id, audience)
}
