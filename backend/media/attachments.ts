import type { Env } from '../env'
import type { Db } from '../db/client'
import { HttpError, notFound, unprocessable } from '../http/errors'
import { LIMITS } from '../instance/limits'
import { newId, isId } from '../ids'
import { randomSecret } from '../auth/secrets'
import { renderMediaAttachment, type MastodonMediaAttachment } from '../mastodon/media'
import { imageInfo, type ImageInfo } from './image-info'

const MAX_DESCRIPTION_LENGTH = LIMITS.media.descriptionLimit
/** Room for the multipart envelope and the other fields around the file. */
const ENVELOPE_BYTES = 64 * 1024

const EXTENSIONS: Record<ImageInfo['mime'], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
}

/**
 * Refuses a body that cannot hold an acceptable file before it is read into memory. Clients send
 * Content-Length with multipart uploads; one that does not is still bounded by the per-file check.
 */
export function checkUploadLength(request: Request): void {
  const length = Number(request.headers.get('content-length') ?? '0')
  if (length > LIMITS.media.imageSizeLimit + ENVELOPE_BYTES) throw tooLarge()
}

function tooLarge(): HttpError {
  return unprocessable(`File is too large (maximum is ${LIMITS.media.imageSizeLimit / (1024 * 1024)} MB)`)
}

interface Checked {
  bytes: Uint8Array
  info: ImageInfo
}

/** An uploaded image, its type and size read from its bytes; the client's Content-Type is ignored. */
async function checkedImage(value: unknown, name: string): Promise<Checked> {
  if (!(value instanceof File)) throw unprocessable(`${name} must be an uploaded file (multipart/form-data)`)
  if (value.size > LIMITS.media.imageSizeLimit) throw tooLarge()
  if (value.size === 0) throw unprocessable(`${name} is empty`)
  const bytes = new Uint8Array(await value.arrayBuffer())
  const info = imageInfo(bytes)
  if (info === null || !(LIMITS.media.supportedMimeTypes as readonly string[]).includes(info.mime)) {
    throw unprocessable(`${name} type is not supported (supported: ${LIMITS.media.supportedMimeTypes.join(', ')})`)
  }
  if (info.width * info.height > LIMITS.media.imageMatrixLimit) {
    throw unprocessable(`${name} has too many pixels (maximum is ${LIMITS.media.imageMatrixLimit})`)
  }
  return { bytes, info }
}

function description(value: unknown): string | null | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw unprocessable('description must be text')
  if ([...value].length > MAX_DESCRIPTION_LENGTH) throw unprocessable(`description is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`)
  return value === '' ? null : value
}

/** "x,y" with both in -1..1, as Mastodon takes the focal point. */
function focus(value: unknown): { x: number; y: number } | undefined {
  if (value === undefined || value === '') return undefined
  const parts = typeof value === 'string' ? value.split(',') : []
  const [x, y] = parts.map((p) => (/^\s*-?\d+(\.\d+)?\s*$/.test(p) ? Number(p) : NaN))
  if (parts.length !== 2 || x === undefined || y === undefined || !(Math.abs(x) <= 1 && Math.abs(y) <= 1)) {
    throw unprocessable('focus must be two numbers from -1.0 to 1.0, as "x,y"')
  }
  return { x, y }
}

/**
 * POST /api/v1/media and /api/v2/media. Everything is checked before anything is written; the file
 * goes to R2, then the row (status_id NULL until a status uses it). If the row cannot be written the
 * object is removed again. Images are ready at once, so there is never a 202.
 */
export async function createMedia(env: Pick<Env, 'MEDIA'>, db: Db, accountId: string, params: Record<string, unknown>, origin: string): Promise<MastodonMediaAttachment> {
  const { bytes, info } = await checkedImage(params.file, 'file')
  const alt = description(params.description)
  const point = focus(params.focus) ?? { x: 0, y: 0 }
  // A custom thumbnail is for audio and video; for an image it must still be a valid image, but the
  // image is its own preview.
  if (params.thumbnail !== undefined && params.thumbnail !== '') await checkedImage(params.thumbnail, 'thumbnail')

  const id = newId()
  const key = `media/${id}/${randomSecret()}.${EXTENSIONS[info.mime]}`
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: info.mime } })
  const row = {
    id,
    account_id: accountId,
    status_id: null,
    type: 'image' as const,
    r2_key: key,
    remote_url: null,
    content_type: info.mime,
    size: bytes.byteLength,
    width: info.width,
    height: info.height,
    description: alt ?? null,
    focus_x: point.x,
    focus_y: point.y,
    blurhash: null,
  }
  try {
    await db.insertInto('media_attachments').values(row).execute()
  } catch (err) {
    await env.MEDIA.delete(key)
    throw err
  }
  return renderMediaAttachment(row, origin)
}

async function ownMedia(db: Db, accountId: string, id: string) {
  // Another account's media is as absent as media that does not exist.
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('media_attachments').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()
  if (row === undefined) throw notFound()
  return row
}

/** GET /api/v1/media/:id, for its uploader only. */
export async function readMedia(db: Db, accountId: string, id: string, origin: string): Promise<MastodonMediaAttachment> {
  return renderMediaAttachment(await ownMedia(db, accountId, id), origin)
}

/** PUT /api/v1/media/:id: alt text and focal point. A status already using it re-snapshots by trigger. */
export async function updateMedia(db: Db, accountId: string, id: string, params: Record<string, unknown>, origin: string): Promise<MastodonMediaAttachment> {
  const row = await ownMedia(db, accountId, id)
  const alt = description(params.description)
  const point = focus(params.focus)
  if (params.thumbnail !== undefined && params.thumbnail !== '') await checkedImage(params.thumbnail, 'thumbnail')
  const changes: { description?: string | null; focus_x?: number; focus_y?: number } = {}
  if (alt !== undefined) changes.description = alt
  if (point !== undefined) {
    changes.focus_x = point.x
    changes.focus_y = point.y
  }
  if (Object.keys(changes).length === 0) return renderMediaAttachment(row, origin)
  await db.updateTable('media_attachments').set(changes).where('id', '=', row.id).execute()
  return renderMediaAttachment({ ...row, ...changes }, origin)
}

/**
 * DELETE /api/v1/media/:id: an upload its owner no longer wants, while no status uses it. The row
 * goes in one conditional statement, so a status attaching it at the same moment wins cleanly.
 */
export async function deleteMedia(env: Pick<Env, 'MEDIA'>, db: Db, accountId: string, id: string, origin: string): Promise<MastodonMediaAttachment> {
  const row = await ownMedia(db, accountId, id)
  if (row.status_id !== null) throw new HttpError(422, 'Media attachment is currently used by a status')
  const gone = await db.deleteFrom('media_attachments').where('id', '=', row.id).where('status_id', 'is', null).executeTakeFirst()
  if (Number(gone.numDeletedRows) !== 1) throw new HttpError(422, 'Media attachment is currently used by a status')
  if (row.r2_key !== null) await env.MEDIA.delete(row.r2_key)
  return renderMediaAttachment(row, origin)
}
