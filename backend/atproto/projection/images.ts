// A post's images as app.bsky.embed.images: each file uploaded from R2 into the repository as a
// real blob (not a link back to this server), once per file and repository.
import type { Db } from '../../db/client'
import { putBlob } from '../blobs'
import { ProjectionError, type Bridge, type ProjectionEnv } from './records'

/** app.bsky.embed.images: at most four images, each blob at most 1,000,000 bytes. */
export const MAX_IMAGES = 4
export const MAX_IMAGE_BYTES = 1_000_000

export interface MediaRow {
  id: string
  type: string
  r2_key: string | null
  content_type: string
  size: number | null
  width: number | null
  height: number | null
  description: string | null
}

export interface BlobRef {
  $type: 'blob'
  ref: { $link: string }
  mimeType: string
  size: number
}

export interface ImagesEmbed {
  $type: 'app.bsky.embed.images'
  images: Array<{ image: BlobRef; alt: string; aspectRatio?: { width: number; height: number } }>
}

/** Only stored images fit: video, audio and remote files are left out, and so are images over the blob limit. */
export function projectable(media: MediaRow): boolean {
  return media.type === 'image' && media.r2_key !== null && media.content_type.startsWith('image/') && (media.size ?? 0) <= MAX_IMAGE_BYTES
}

async function blobOf(env: ProjectionEnv, db: Db, bridge: Bridge, media: MediaRow): Promise<BlobRef | null> {
  const known = await db.selectFrom('atproto_blobs').select(['cid', 'mime_type', 'size']).where('media_id', '=', media.id).where('did', '=', bridge.did).executeTakeFirst()
  if (known !== undefined) return { $type: 'blob', ref: { $link: known.cid }, mimeType: known.mime_type, size: known.size }
  if (media.r2_key === null) return null
  const object = await env.MEDIA.get(media.r2_key)
  // The file is gone from R2 (deleted meanwhile): the post goes without it.
  if (object === null) return null
  const bytes = new Uint8Array(await object.arrayBuffer())
  if (bytes.length > MAX_IMAGE_BYTES) return null
  const stored = await putBlob(env, bridge.did, bytes, media.content_type)
  if (!stored.ok) throw new ProjectionError(`blob for media ${media.id}: ${stored.error}: ${stored.message}`)
  await db
    .insertInto('atproto_blobs')
    .values({ media_id: media.id, did: bridge.did, cid: stored.value.cid, mime_type: stored.value.mimeType, size: stored.value.size })
    .onConflict((oc) => oc.doNothing())
    .execute()
  return { $type: 'blob', ref: { $link: stored.value.cid }, mimeType: stored.value.mimeType, size: stored.value.size }
}

export async function imagesEmbed(env: ProjectionEnv, db: Db, bridge: Bridge, media: MediaRow[]): Promise<ImagesEmbed | null> {
  const images: ImagesEmbed['images'] = []
  for (const m of media.filter(projectable).slice(0, MAX_IMAGES)) {
    const image = await blobOf(env, db, bridge, m)
    if (image === null) continue
    const aspect = m.width !== null && m.height !== null && m.width > 0 && m.height > 0 ? { aspectRatio: { width: m.width, height: m.height } } : {}
    images.push({ image, alt: m.description ?? '', ...aspect })
  }
  return images.length > 0 ? { $type: 'app.bsky.embed.images', images } : null
}
