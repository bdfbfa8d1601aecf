import type { Env } from '../env'
import { invalidateStats } from '../instance/settings'
import { HttpError } from '../http/errors'
import { newId } from '../ids'
import { generateAccountKeys } from '../auth/keys'
import { LIMITS } from '../instance/limits'

/** Names people could mistake for the server itself, and the first path segments Herd uses. */
const RESERVED = new Set([
  'admin', 'administrator', 'root', 'support', 'help', 'security', 'abuse', 'postmaster', 'webmaster', 'hostmaster',
  'info', 'mod', 'moderator', 'moderators', 'owner', 'staff', 'system', 'instance', 'herd', 'mastodon', 'noreply', 'no-reply',
  'api', 'auth', 'oauth', 'users', 'user', 'actor', 'inbox', 'outbox', 'nodeinfo', 'well-known', 'media', 'avatars', 'headers',
  'settings', 'about', 'explore', 'public', 'tags', 'health', 'static', 'assets',
])

/** Mastodon's rule: letters, digits and underscores, with dots or dashes only inside; at most 30. */
export function validateUsername(value: unknown): string {
  const username = typeof value === 'string' ? value.trim() : ''
  if (username === '') throw new HttpError(422, 'Username can\'t be blank')
  if (username.length > 30) throw new HttpError(422, 'Username is too long (maximum is 30 characters)')
  if (!/^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i.test(username)) throw new HttpError(422, 'Username must contain only letters, numbers and underscores')
  if (RESERVED.has(username.toLowerCase())) throw new HttpError(422, 'Username is reserved')
  return username
}

export function validateDisplayName(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value !== 'string') throw new HttpError(422, 'Display name must be text')
  const name = value.trim()
  if ([...name].length > LIMITS.accounts.maxDisplayNameLength) {
    throw new HttpError(422, `Display name is too long (maximum is ${LIMITS.accounts.maxDisplayNameLength} characters)`)
  }
  return name
}

export interface NewLocalAccount {
  username: string
  displayName: string
  origin: string
  /** An existing user without an account (built-in login), or a new one to create with it. */
  user: { existingId: string } | { email: string; passwordHash: string | null; approved: boolean; reason: string }
}

/**
 * Creates a local account with its key pair and links it to its user, in one D1 transaction: on any
 * failure nothing is left behind. The first user with an account is the admin.
 */
export async function createLocalAccount(env: Pick<Env, 'HERD_KEK' | 'CACHE'>, d1: D1Database, input: NewLocalAccount): Promise<{ accountId: string; userId: string }> {
  const taken = await d1.prepare("SELECT 1 FROM accounts WHERE username = ? COLLATE NOCASE AND domain = ''").bind(input.username).first()
  if (taken !== null) throw new HttpError(422, 'Username has already been taken')
  const accountId = newId()
  const keys = await generateAccountKeys(env, accountId)
  const uri = `${input.origin}/users/${input.username}`
  const url = `${input.origin}/@${input.username}`
  const userId = 'existingId' in input.user ? input.user.existingId : newId()
  const statements = [
    d1
      .prepare("INSERT INTO accounts (id, username, domain, uri, url, display_name, public_key_pem, last_active_at) VALUES (?, ?, '', ?, ?, ?, ?, ?)")
      .bind(accountId, input.username, uri, url, input.displayName, keys.publicKeyPem, new Date().toISOString()),
    d1.prepare('INSERT INTO account_keys (account_id, private_key_encrypted) VALUES (?, ?)').bind(accountId, keys.privateKeyEncrypted),
  ]
  const firstAdmin = "CASE WHEN EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND account_id IS NOT NULL) THEN role ELSE 'admin' END"
  if ('existingId' in input.user) {
    statements.push(d1.prepare(`UPDATE users SET account_id = ?, role = ${firstAdmin} WHERE id = ? AND account_id IS NULL`).bind(accountId, userId))
  } else {
    const u = input.user
    statements.push(
      d1
        .prepare(
          `INSERT INTO users (id, email, password_hash, account_id, role, approved, registration_reason)
           VALUES (?, ?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM users WHERE role = 'admin') THEN 'user' ELSE 'admin' END,
                   CASE WHEN EXISTS (SELECT 1 FROM users WHERE role = 'admin') THEN ? ELSE 1 END, ?)`,
        )
        .bind(userId, u.email, u.passwordHash, accountId, u.approved ? 1 : 0, u.reason),
    )
  }
  try {
    const results = await d1.batch(statements)
    if ('existingId' in input.user && results[2]?.meta.changes !== 1) {
      await d1.batch([d1.prepare('DELETE FROM accounts WHERE id = ?').bind(accountId)])
      throw new HttpError(409, 'This login already has an account')
    }
  } catch (err) {
    if (err instanceof HttpError) throw err
    const message = err instanceof Error ? err.message : String(err)
    if (/UNIQUE/i.test(message) && /users/.test(message)) throw new HttpError(422, 'Email has already been taken')
    if (/UNIQUE/i.test(message)) throw new HttpError(422, 'Username has already been taken')
    throw err
  }
  // The instance documents show the account count and the first admin as contact: no waiting for the TTL.
  await invalidateStats(env)
  return { accountId, userId }
}
