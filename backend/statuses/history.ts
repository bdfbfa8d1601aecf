import type { Db } from '../db/client'
import { notFound } from '../http/errors'
import { renderAccount } from '../mastodon/account'
import { renderMediaAttachment, type MediaFields } from '../mastodon/media'
import { snapshot } from '../mastodon/status'
import { visibleStatus } from './visibility'

/** GET /api/v1/statuses/:id/history: every version, oldest first, the current last (StatusEdit[]). */
export async function statusHistory(db: Db, viewerId: string | null, id: string, origin: string) {
  const row = await visibleStatus(db, viewerId, id)
  const [versions, author] = await Promise.all([
    db.selectFrom('status_edits').select(['content', 'spoiler_text', 'sensitive', 'media_json', 'created_at']).where('status_id', '=', id).orderBy('id').execute(),
    db.selectFrom('accounts').selectAll().where('id', '=', row.account_id).executeTakeFirst(),
  ])
  if (!author) throw notFound()
  const account = renderAccount(author, origin)
  // A status never edited has one version: itself.
  const list = versions.length > 0 ? versions : [row]
  return list.map((v) => ({
    account,
    content: v.content,
    created_at: v.created_at,
    emojis: [],
    media_attachments: snapshot<MediaFields>(v.media_json).map((m) => renderMediaAttachment(m, origin)),
    sensitive: v.sensitive === 1,
    spoiler_text: v.spoiler_text,
    poll: null,
  }))
}

/** GET /api/v1/statuses/:id/source: the plain text to edit (StatusSource). */
export async function statusSource(db: Db, viewerId: string | null, id: string) {
  const row = await visibleStatus(db, viewerId, id)
  return { id: row.id, text: row.text ?? '', spoiler_text: row.spoiler_text }
}
