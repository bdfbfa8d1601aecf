import { newId, timeOfId } from '../ids'
import { unprocessable } from '../http/errors'
import { notificationsCommitted, notificationStatements, type NewNotification } from '../notifications/create'
import type { MastodonStatus } from '../mastodon/status'
import { contentStatements, mentionNotifications, prepareContent, readDraft, type Draft, type MediaAttributes } from './compose'
import { federate } from './federate'
import { pollEditStatements, readPollDraft } from '../polls/draft'
import { languageCode } from './params'
import { authorOf, render } from './post'
import { ownStatus } from './visibility'
import { streamStatus, type Writer } from './writer'

function readMediaAttributes(params: Record<string, unknown>): MediaAttributes[] {
  const raw = params.media_attributes
  if (raw === undefined || raw === null) return []
  // Forms send media_attributes[][id]=…, which folds into a list of objects, or an object keyed by index.
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' ? Object.values(raw) : null
  if (list === null) throw unprocessable('media_attributes must be a list')
  return list.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw unprocessable('media_attributes must be a list of objects')
    const a = item as Record<string, unknown>
    const id = typeof a.id === 'number' ? String(a.id) : a.id
    if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) throw unprocessable('media_attributes[].id must be a media id')
    const out: MediaAttributes = { id }
    if (a.description !== undefined && a.description !== null) {
      if (typeof a.description !== 'string') throw unprocessable('media_attributes[].description must be a string')
      out.description = a.description
    }
    if (a.focus !== undefined && a.focus !== null && a.focus !== '') {
      const [x, y] = String(a.focus).split(',').map(Number)
      if (x === undefined || y === undefined || !(Math.abs(x) <= 1) || !(Math.abs(y) <= 1)) throw unprocessable('media_attributes[].focus must be "x,y" between -1 and 1')
      out.focusX = x
      out.focusY = y
    }
    return out
  })
}

/**
 * PUT /api/v1/statuses/:id. Parameters left out keep their values, as in Mastodon. The first edit
 * also records the original, so the history lists every version, oldest first, the current last.
 * Mentions and hashtags are derived again from the new text; media no longer listed are detached.
 */
export async function editStatus(w: Writer, accountId: string, id: string, params: Record<string, unknown>): Promise<MastodonStatus> {
  const row = await ownStatus(w.db, accountId, id)
  if (row.reblog_of_id !== null) throw unprocessable('A reblog cannot be edited')
  const poll = readPollDraft(params)
  const given = readDraft(params)
  const currentMedia =
    params.media_ids === undefined
      ? (await w.db.selectFrom('media_attachments').select('id').where('status_id', '=', id).orderBy('position').execute()).map((m) => m.id)
      : given.mediaIds
  const draft: Draft = {
    text: params.status === undefined ? (row.text ?? '') : given.text,
    spoilerText: params.spoiler_text === undefined ? row.spoiler_text : given.spoilerText,
    sensitive: params.sensitive === undefined ? row.sensitive === 1 : given.sensitive,
    language: given.language === undefined ? row.language : given.language,
    mediaIds: currentMedia,
  }
  const attributes = readMediaAttributes(params)
  const author = await authorOf(w.db, accountId)
  const content = await prepareContent(w.db, draft, author, w.site, id)
  if (content.mediaIds.length > 0 && (poll !== null || row.poll_id !== null)) throw unprocessable('Validation failed: A status cannot have both media attachments and a poll')
  const unknownAttributes = attributes.filter((a) => !content.mediaIds.includes(a.id))
  if (unknownAttributes.length > 0) throw unprocessable(`Media not found: ${unknownAttributes.map((a) => a.id).join(', ')}`)

  const editedAt = new Date().toISOString()
  const version = (versionId: string, createdAt: string | null) =>
    w.d1
      .prepare(
        `INSERT INTO status_edits (id, status_id, account_id, content, spoiler_text, sensitive, media_json, created_at)
         SELECT ?1, s.id, s.account_id, s.content, s.spoiler_text, s.sensitive, s.media_json, coalesce(?3, s.created_at) FROM statuses s
          WHERE s.id = ?2 AND (?3 IS NOT NULL OR NOT EXISTS (SELECT 1 FROM status_edits e WHERE e.status_id = s.id))`,
      )
      .bind(versionId, id, createdAt)
  const statements: D1PreparedStatement[] = [
    // The original, once, with an id from its own time so that it sorts first.
    version(newId(timeOfId(row.id)), null),
    w.d1
      .prepare('UPDATE statuses SET content = ?2, text = ?3, spoiler_text = ?4, sensitive = ?5, language = ?6, edited_at = ?7 WHERE id = ?1')
      .bind(id, content.html, draft.text, draft.spoilerText, draft.sensitive === true || draft.spoilerText !== '' ? 1 : 0, draft.language ?? languageCode(author.language), editedAt),
    w.d1.prepare('DELETE FROM status_mentions WHERE status_id = ?1').bind(id),
    w.d1.prepare('DELETE FROM status_tags WHERE status_id = ?1').bind(id),
    w.d1.prepare('UPDATE media_attachments SET status_id = NULL WHERE status_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))').bind(id, JSON.stringify(content.mediaIds)),
    ...contentStatements(w.d1, w.db, id, content, attributes),
    version(newId(), editedAt),
    ...(poll === null ? [] : await pollEditStatements(w.d1, w.db, row, poll, Date.parse(editedAt), () => newId())),
  ]
  // Local accounts that reblogged it hear of the edit; newly mentioned local accounts of the mention.
  const rebloggers = await w.db
    .selectFrom('statuses')
    .innerJoin('accounts', 'accounts.id', 'statuses.account_id')
    .select('statuses.account_id')
    .where('statuses.reblog_of_id', '=', id)
    .where('accounts.domain', '=', '')
    .execute()
  const notify: NewNotification[] = [
    ...rebloggers.map((r): NewNotification => ({ accountId: r.account_id, fromAccountId: accountId, type: 'update', statusId: id, key: `update:${id}:${editedAt}` })),
    ...mentionNotifications(content, accountId, id),
  ]
  const notifications = notificationStatements(w.d1, notify)
  statements.push(...notifications.statements)
  await w.d1.batch(statements)
  await notificationsCommitted(w.env, notifications.ids)
  await federate(w.env, { action: 'update', actorId: accountId, objectId: id })
  streamStatus(w, id, 'status.update')
  return render(w, id, accountId)
}
