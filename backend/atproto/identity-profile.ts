// The bridged account's app.bsky.actor.profile/self record, written by the queue consumer when the
// account opts in and whenever its profile changes (the `update-actor` federate action). Avatar and
// banner are real blobs, copied from R2 MEDIA into the repository's blob store.
import type { Db } from '../db/client'
import type { Env } from '../env'
import { htmlToPlainText } from '../federation/html-entities'
import { imageInfo } from '../media/image-info'
import type { BlobEntry } from '../../do/repo/types'
import { putBlob } from './blobs'
import { repoObject } from './repos'
import { writeRecords } from './write'

export const PROFILE = 'app.bsky.actor.profile'

// The lexicon's limits (app.bsky.actor.profile): graphemes and UTF-8 bytes, and the blob rules.
const DISPLAY_NAME = { graphemes: 64, bytes: 640 }
const DESCRIPTION = { graphemes: 256, bytes: 2560 }
const IMAGE_MAX_BYTES = 1_000_000
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg'])

interface BlobRef {
  $type: 'blob'
  ref: { $link: string }
  mimeType: string
  size: number
}

/** Cuts text to at most `graphemes` user-perceived characters and `bytes` UTF-8 bytes, never inside one. */
export function clip(text: string, limit: { graphemes: number; bytes: number }): string {
  const encoder = new TextEncoder()
  let out = ''
  let count = 0
  let size = 0
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const n = encoder.encode(segment).length
    if (count + 1 > limit.graphemes || size + n > limit.bytes) break
    out += segment
    count += 1
    size += n
  }
  return out
}

/** The R2 key of an image Herd stored itself (`<origin>/media/<key>`), or null for anything else. */
function mediaKey(url: string | null): string | null {
  if (url === null) return null
  try {
    const path = decodeURIComponent(new URL(url).pathname)
    return path.startsWith('/media/accounts/') && !path.includes('..') ? path.slice('/media/'.length) : null
  } catch {
    return null
  }
}

/**
 * Uploads a profile image as a blob. The type is read from the bytes, not from metadata; a GIF or
 * WebP, or an image over Bluesky's 1 MB, is left out rather than sent as something Bluesky rejects.
 */
async function imageBlob(env: Env, did: string, url: string | null): Promise<BlobRef | null> {
  const key = mediaKey(url)
  if (key === null) return null
  const object = await env.MEDIA.get(key)
  if (object === null) return null
  const bytes = new Uint8Array(await object.arrayBuffer())
  const mime = imageInfo(bytes)?.mime
  if (mime === undefined || !IMAGE_TYPES.has(mime) || bytes.length > IMAGE_MAX_BYTES) return null
  const stored = await putBlob(env, did, bytes, mime)
  if (!stored.ok) throw new Error(`blob upload failed: ${stored.message}`)
  return blobRef(stored.value)
}

function blobRef(entry: BlobEntry): BlobRef {
  return { $type: 'blob', ref: { $link: entry.cid }, mimeType: entry.mimeType, size: entry.size }
}

/**
 * Writes the profile record from the account as it is now. Idempotent: an unchanged profile makes
 * no commit, so a redelivered message changes nothing. Accounts not (or no longer) bridged are skipped.
 */
export async function syncProfile(env: Env, db: Db, accountId: string): Promise<'written' | 'unchanged' | 'skipped'> {
  const row = await db
    .selectFrom('atproto_accounts as b')
    .innerJoin('accounts as a', 'a.id', 'b.account_id')
    .leftJoin('users as u', 'u.account_id', 'a.id')
    .select(['b.did', 'b.active', 'a.display_name', 'a.note', 'a.avatar_url', 'a.header_url', 'u.note_source'])
    .where('b.account_id', '=', accountId)
    .executeTakeFirst()
  if (row === undefined || row.active !== 1) return 'skipped'
  const info = await repoObject(env).info(row.did)
  if (info === null || !info.active) return 'skipped'

  const existing = await repoObject(env).getRecord(row.did, PROFILE, 'self')
  const previous = existing === null ? null : (JSON.parse(existing.valueJson) as Record<string, unknown>)
  const description = clip((row.note_source ?? htmlToPlainText(row.note)).trim(), DESCRIPTION)
  const displayName = clip(row.display_name.trim(), DISPLAY_NAME)
  const avatar = await imageBlob(env, row.did, row.avatar_url)
  const banner = await imageBlob(env, row.did, row.header_url)
  const record: Record<string, unknown> = {
    $type: PROFILE,
    ...(displayName !== '' ? { displayName } : {}),
    ...(description !== '' ? { description } : {}),
    ...(avatar ? { avatar } : {}),
    ...(banner ? { banner } : {}),
    createdAt: typeof previous?.createdAt === 'string' ? previous.createdAt : new Date().toISOString(),
  }
  if (previous !== null && canonical(previous) === canonical(record)) return 'unchanged'
  const result = await writeRecords(env, row.did, [{ action: previous === null ? 'create' : 'update', collection: PROFILE, rkey: 'self', record }])
  // Opted out meanwhile: nothing more to write.
  if (!result.ok && result.error === 'RepoDeactivated') return 'skipped'
  if (!result.ok) throw new Error(`profile write failed: ${result.error}: ${result.message}`)
  return 'written'
}

/** JSON with object keys sorted, so two records compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}
