import { sql } from 'kysely'
import type { Db } from '../db/client'
import { newId } from '../ids'
import { unprocessable } from '../http/errors'
import { LIMITS } from '../instance/limits'
import { parseText, renderText, type ParsedMention } from '../federation/content'
import { profileUrl } from '../mastodon/account'
import type { NewNotification } from '../notifications/create'
import { languageCode, optionalBoolean, optionalIdList, optionalString } from './params'
import { inList, prepared } from './sql'

/** What a client sends to write or edit a status (the parts both share). */
export interface Draft {
  text: string
  spoilerText: string
  /** undefined: the author's default. */
  sensitive: boolean | undefined
  /** undefined: the author's default. */
  language: string | null | undefined
  mediaIds: string[]
}

export function readDraft(params: Record<string, unknown>): Draft {
  const lang = optionalString(params, 'language')
  return {
    text: optionalString(params, 'status') ?? '',
    spoilerText: optionalString(params, 'spoiler_text') ?? '',
    sensitive: optionalBoolean(params, 'sensitive'),
    language: lang === undefined || lang === '' ? undefined : languageCode(lang),
    mediaIds: [...new Set(optionalIdList(params, 'media_ids') ?? [])],
  }
}

const URL_PLACEHOLDER = 'x'.repeat(LIMITS.statuses.charactersReservedPerUrl)
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * Characters as Mastodon counts them against the limit: each URL counts as 23, a remote mention
 * counts only its `@username` part, and characters are graphemes (an emoji with modifiers is one).
 */
export function countCharacters(text: string): number {
  const { urls } = parseText(text)
  let countable = text
  for (const url of urls) countable = countable.split(url).join(URL_PLACEHOLDER)
  countable = countable.replace(/(?<=^|[^\p{L}\p{N}_/])(@[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_])?)@[\p{L}\p{N}_.-]+/giu, '$1')
  let n = 0
  for (const _ of segmenter.segment(countable)) n++
  return n
}

export interface MentionTarget {
  id: string
  username: string
  domain: string
  url: string | null
  uri: string
}

/**
 * The accounts a text mentions that we know: local ones (`@user`, or `@user@our.domain`) and remote
 * ones already stored. One query, an index probe per mention; unknown mentions stay plain text.
 */
async function resolveMentions(db: Db, mentions: ParsedMention[], localDomain: string): Promise<Map<string, MentionTarget>> {
  const wanted = mentions.map((m) => ({ u: m.username, d: m.domain === null || m.domain === localDomain.toLowerCase() ? '' : m.domain }))
  const found = new Map<string, MentionTarget>()
  if (wanted.length === 0) return found
  const { rows } = await sql<MentionTarget>`
    SELECT a.id, a.username, a.domain, a.url, a.uri
      FROM json_each(${JSON.stringify(wanted)}) j
      JOIN accounts a ON a.username = json_extract(j.value, '$.u') COLLATE NOCASE AND a.domain = json_extract(j.value, '$.d')
  `.execute(db)
  for (const r of rows) found.set(`${r.username.toLowerCase()}@${r.domain}`, r)
  return found
}

export interface Content {
  html: string
  mentions: MentionTarget[]
  tags: string[]
  mediaIds: string[]
}

/**
 * Checks a draft against the limits and renders it: HTML with links, mentions and hashtags, the
 * known accounts it mentions, its tags, and media the author may attach (their own, not yet used
 * by another status). Reads only; nothing is written if anything is wrong.
 */
export async function prepareContent(
  db: Db,
  draft: Draft,
  author: { id: string },
  site: { origin: string; domain: string },
  editing: string | null = null,
  /** The scheduled status being published, whose held media it may use. */
  scheduled: string | null = null,
): Promise<Content> {
  if (draft.text.trim() === '' && draft.mediaIds.length === 0) throw unprocessable("Validation failed: Text can't be blank")
  const max = LIMITS.statuses.maxCharacters
  if (countCharacters(draft.text) + countCharacters(draft.spoilerText) > max) throw unprocessable(`Validation failed: Text character limit of ${max} exceeded`)
  if (draft.mediaIds.length > LIMITS.statuses.maxMediaAttachments) {
    throw unprocessable(`Validation failed: Cannot attach more than ${LIMITS.statuses.maxMediaAttachments} files`)
  }
  if (draft.mediaIds.length > 0) {
    const media = await db
      .selectFrom('media_attachments')
      .select(['id', 'status_id', 'scheduled_status_id'])
      .where(inList('id', draft.mediaIds))
      .where('account_id', '=', author.id)
      .execute()
    // Media held by a scheduled status belongs to it until it is published (or unscheduled).
    const usable = new Set(
      media.filter((m) => (m.status_id === null || m.status_id === editing) && (m.scheduled_status_id === null || m.scheduled_status_id === scheduled)).map((m) => m.id),
    )
    const missing = draft.mediaIds.filter((id) => !usable.has(id))
    if (missing.length > 0) throw unprocessable(`Media not found: ${missing.join(', ')}`)
  }
  const known = await resolveMentions(db, parseText(draft.text).mentions, site.domain)
  const targetOf = (m: ParsedMention) => known.get(`${m.username.toLowerCase()}@${m.domain === null || m.domain === site.domain.toLowerCase() ? '' : m.domain}`)
  const rendered = renderText(draft.text, {
    mentionUrl: (m) => {
      const target = targetOf(m)
      return target ? profileUrl(target, site.origin) : null
    },
    tagUrl: (tag) => `${site.origin}/tags/${encodeURIComponent(tag.toLowerCase())}`,
  })
  const mentions = new Map<string, MentionTarget>()
  for (const m of rendered.resolvedMentions) {
    const target = targetOf(m)
    if (target) mentions.set(target.id, target)
  }
  return { html: rendered.html, mentions: [...mentions.values()], tags: rendered.tags, mediaIds: draft.mediaIds }
}

/** Description and focus a client sets on attachments while composing (`media_attributes[]`). */
export interface MediaAttributes {
  id: string
  description?: string
  focusX?: number
  focusY?: number
}

/**
 * The rows a status' content owns: mentions, hashtags (created if new, matched case-insensitively)
 * and attached media in order, for the caller's batch. Triggers refresh the status' snapshots.
 */
export function contentStatements(d1: D1Database, db: Db, statusId: string, content: Content, attributes: MediaAttributes[] = []): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = []
  for (const m of content.mentions) out.push(prepared(d1, db.insertInto('status_mentions').values({ status_id: statusId, account_id: m.id }).onConflict((c) => c.doNothing())))
  for (const tag of content.tags) {
    out.push(d1.prepare('INSERT INTO tags (id, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING').bind(newId(), tag))
    out.push(d1.prepare('INSERT OR IGNORE INTO status_tags (tag_id, status_id) SELECT id, ?1 FROM tags WHERE name = ?2 COLLATE NOCASE').bind(statusId, tag))
  }
  content.mediaIds.forEach((id, position) => {
    const attrs = attributes.find((a) => a.id === id)
    out.push(
      prepared(
        d1,
        db
          .updateTable('media_attachments')
          .set({
            status_id: statusId,
            position,
            ...(attrs?.description !== undefined ? { description: attrs.description } : {}),
            ...(attrs?.focusX !== undefined ? { focus_x: attrs.focusX } : {}),
            ...(attrs?.focusY !== undefined ? { focus_y: attrs.focusY } : {}),
          })
          .where('id', '=', id),
      ),
    )
  })
  return out
}

/** `mention` notifications for the local accounts a status mentions; the key makes a re-mention (an edit) notify once. */
export function mentionNotifications(content: Content, fromAccountId: string, statusId: string): NewNotification[] {
  return content.mentions.filter((m) => m.domain === '').map((m) => ({ accountId: m.id, fromAccountId, type: 'mention', statusId, key: `mention:${statusId}` }))
}
