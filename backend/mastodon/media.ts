import type { Selectable } from 'kysely'
import type { MediaAttachmentsTable } from '../db/schema'

/**
 * What the MediaAttachment entity is made from: a media_attachments row, or the snapshot of one
 * that a status carries in media_json (migrations/0004). Both render through `renderMediaAttachment`.
 */
export type MediaFields = Pick<
  Selectable<MediaAttachmentsTable>,
  'id' | 'type' | 'r2_key' | 'remote_url' | 'description' | 'blurhash' | 'width' | 'height' | 'focus_x' | 'focus_y'
>

/** Where a stored object is served (functions/media/[[path]].ts). */
export function mediaUrl(r2Key: string, origin: string): string {
  return `${origin}/media/${r2Key.split('/').map(encodeURIComponent).join('/')}`
}

function dimensions(width: number | null, height: number | null) {
  if (width === null || height === null || width <= 0 || height <= 0) return null
  return { width, height, size: `${width}x${height}`, aspect: width / height }
}

/**
 * The Mastodon MediaAttachment entity. Herd keeps no resized copies (no Cloudflare Images, no image
 * library in the Worker): the original is also the preview, and `small` describes it.
 */
export function renderMediaAttachment(m: MediaFields, origin: string) {
  const url = m.r2_key !== null ? mediaUrl(m.r2_key, origin) : m.remote_url
  const original = dimensions(m.width, m.height)
  return {
    id: m.id,
    type: m.type,
    url,
    preview_url: url,
    remote_url: m.r2_key !== null ? null : m.remote_url,
    preview_remote_url: null,
    text_url: null,
    description: m.description,
    blurhash: m.blurhash,
    meta: { ...(original ? { original, small: original } : {}), focus: { x: m.focus_x, y: m.focus_y } },
  }
}

export type MastodonMediaAttachment = ReturnType<typeof renderMediaAttachment>
