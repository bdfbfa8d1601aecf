import type { Env } from '../env'
import { HttpError, unprocessable } from '../http/errors'
import { LIMITS } from '../instance/limits'
import { randomSecret } from '../auth/secrets'
import type { Visibility } from '../db/schema'
import { federate } from '../statuses/federate'

const IMAGE_TYPES: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }
/** Mastodon's limit for avatars and headers. */
export const PROFILE_IMAGE_MAX_BYTES = 2 * 1024 * 1024
const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private', 'direct']

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** Plain-text bio to the HTML Mastodon shows: paragraphs on blank lines, <br /> on single newlines. */
export function noteToHtml(note: string): string {
  const paragraphs = note.replace(/\r\n?/g, '\n').split(/\n{2,}/).map((p) => p.trim()).filter((p) => p !== '')
  return paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br />')}</p>`).join('')
}

function bool(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (value === true || value === 'true' || value === '1' || value === 1 || value === 'on') return 1
  if (value === false || value === 'false' || value === '0' || value === 0 || value === '') return 0
  throw unprocessable(`${name} must be true or false`)
}

function text(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw unprocessable(`${name} must be text`)
  if ([...value].length > max) throw unprocessable(`${name} is too long (maximum is ${max} characters)`)
  return value
}

/** fields_attributes as Rails sends it ({"0": {name, value}}) or as a JSON array. */
function fields(value: unknown): Array<{ name: string; value: string }> | undefined {
  if (value === undefined) return undefined
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.entries(value).sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v as unknown) : null
  if (list === null) throw unprocessable('fields_attributes must be a list of {name, value}')
  const out = list.map((f) => {
    const o = typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {}
    return { name: text(o.name ?? '', 'Field name', 255) ?? '', value: text(o.value ?? '', 'Field value', 255) ?? '' }
  }).filter((f) => f.name !== '' || f.value !== '')
  if (out.length > LIMITS.accounts.maxProfileFields) throw unprocessable(`At most ${LIMITS.accounts.maxProfileFields} profile fields`)
  return out
}

function image(value: unknown, name: string): File | undefined {
  if (value === undefined || value === '') return undefined
  if (!(value instanceof File)) throw unprocessable(`${name} must be an uploaded image (multipart/form-data)`)
  if (IMAGE_TYPES[value.type] === undefined) throw unprocessable(`${name} must be PNG, JPEG, GIF or WebP`)
  if (value.size > PROFILE_IMAGE_MAX_BYTES) throw new HttpError(422, `${name} must be at most 2 MB`)
  return value
}

async function store(env: Pick<Env, 'MEDIA'>, accountId: string, kind: 'avatar' | 'header', file: File, origin: string): Promise<string> {
  const key = `accounts/${accountId}/${kind}/${randomSecret()}.${IMAGE_TYPES[file.type] ?? 'bin'}`
  await env.MEDIA.put(key, await file.arrayBuffer(), { httpMetadata: { contentType: file.type } })
  return `${origin}/media/${key}`
}

/**
 * PATCH /api/v1/accounts/update_credentials. Everything is validated before anything is written;
 * uploads go to R2 first and the rows change in one batch. Followers' servers then get the new
 * profile as an Update of the actor, and the Bluesky profile record follows when the account is bridged.
 */
export async function updateCredentials(env: Pick<Env, 'MEDIA' | 'QUEUE'>, d1: D1Database, accountId: string, params: Record<string, unknown>, origin: string): Promise<void> {
  const displayName = text(params.display_name, 'Display name', LIMITS.accounts.maxDisplayNameLength)
  // Multipart turns newlines into CRLF; the source keeps what the person typed.
  const note = text(params.note, 'Note', LIMITS.accounts.maxNoteLength)?.replace(/\r\n?/g, '\n')
  const locked = bool(params.locked, 'locked')
  const bot = bool(params.bot, 'bot')
  const discoverable = bool(params.discoverable, 'discoverable')
  const fieldList = fields(params.fields_attributes)
  const avatar = image(params.avatar, 'Avatar')
  const header = image(params.header, 'Header')
  const source = typeof params.source === 'object' && params.source !== null ? (params.source as Record<string, unknown>) : {}
  const privacy = source.privacy
  if (privacy !== undefined && !VISIBILITIES.includes(privacy as Visibility)) throw unprocessable('source[privacy] must be public, unlisted, private or direct')
  const sensitive = bool(source.sensitive, 'source[sensitive]')
  const language = source.language
  if (language !== undefined && language !== '' && (typeof language !== 'string' || !/^[a-z]{2,3}$/.test(language))) throw unprocessable('source[language] must be an ISO 639 code')

  const account: Record<string, unknown> = {}
  const user: Record<string, unknown> = {}
  if (displayName !== undefined) account.display_name = displayName.trim()
  if (note !== undefined) {
    account.note = noteToHtml(note)
    user.note_source = note
  }
  if (locked !== undefined) account.locked = locked
  if (bot !== undefined) account.bot = bot
  if (discoverable !== undefined) account.discoverable = discoverable
  if (fieldList !== undefined) {
    account.fields = JSON.stringify(fieldList.map((f) => ({ name: escapeHtml(f.name), value: escapeHtml(f.value), verified_at: null })))
    user.fields_source = JSON.stringify(fieldList)
  }
  if (privacy !== undefined) user.privacy = privacy
  if (sensitive !== undefined) user.sensitive = sensitive
  if (language !== undefined) user.language = language === '' ? null : language
  if (avatar !== undefined) account.avatar_url = await store(env, accountId, 'avatar', avatar, origin)
  if (header !== undefined) account.header_url = await store(env, accountId, 'header', header, origin)

  const statements: D1PreparedStatement[] = []
  if (Object.keys(account).length > 0) {
    account.updated_at = new Date().toISOString()
    const cols = Object.keys(account)
    statements.push(d1.prepare(`UPDATE accounts SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).bind(...cols.map((c) => account[c]), accountId))
  }
  if (Object.keys(user).length > 0) {
    const cols = Object.keys(user)
    statements.push(d1.prepare(`UPDATE users SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE account_id = ?`).bind(...cols.map((c) => user[c]), accountId))
  }
  if (statements.length === 0) return
  await d1.batch(statements)
  if (Object.keys(account).length > 0) await federate(env, { action: 'update-actor', actorId: accountId })
}

/**
 * DELETE /api/v1/profile/avatar and /header: back to the default image. The stored file goes once
 * the row no longer points at it; followers' servers get the new profile.
 */
export async function removeProfileImage(env: Pick<Env, 'MEDIA' | 'QUEUE'>, d1: D1Database, accountId: string, kind: 'avatar' | 'header'): Promise<void> {
  const column = kind === 'avatar' ? 'avatar_url' : 'header_url'
  const row = await d1.prepare(`SELECT ${column} AS url FROM accounts WHERE id = ?`).bind(accountId).first<{ url: string | null }>()
  if (row === null || row.url === null) return
  await d1.prepare(`UPDATE accounts SET ${column} = NULL, updated_at = ? WHERE id = ?`).bind(new Date().toISOString(), accountId).run()
  const key = new URL(row.url).pathname.replace(/^\/media\//, '')
  if (key.startsWith(`accounts/${accountId}/${kind}/`)) await env.MEDIA.delete(key)
  await federate(env, { action: 'update-actor', actorId: accountId })
}
