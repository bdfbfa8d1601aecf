import { sql } from 'kysely'
import type { Db } from '../db/client'
import { HttpError } from '../http/errors'
import { newId } from '../ids'
import type { UserRow } from '../mastodon/account'
import { hashPassword, verifyPassword } from './password'
import { sha256Hex } from './secrets'

export const MAX_FAILURES = 5
const WINDOW_MS = 15 * 60 * 1000

export function normalizeEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : ''
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new HttpError(422, 'Enter a valid email address')
  return email
}

export function checkPasswordStrength(value: unknown): string {
  if (typeof value !== 'string' || value.length < 8) throw new HttpError(422, 'The password must be at least 8 characters long')
  if (value.length > 1024) throw new HttpError(422, 'The password is too long')
  return value
}

/** Whether any person can sign in yet: before the first, the login form sets up the owner. */
export async function hasUsers(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined
}

/**
 * Checks email and password, throttled per (email, IP): after MAX_FAILURES failures within 15
 * minutes, further attempts get 429 without checking the password until the window passes.
 * On an instance without users, the first login creates the owner.
 */
export async function passwordLogin(db: Db, emailInput: unknown, password: unknown, ip: string): Promise<UserRow> {
  const email = normalizeEmail(emailInput)
  if (typeof password !== 'string' || password === '') throw new HttpError(422, 'Enter your password')
  const key = await sha256Hex(`${email}|${ip}`)
  const cutoff = new Date(Date.now() - WINDOW_MS).toISOString()
  const record = await db.selectFrom('login_failures').select(['failures', 'window_start']).where('key_hash', '=', key).executeTakeFirst()
  if (record !== undefined && record.window_start >= cutoff && record.failures >= MAX_FAILURES) {
    throw new HttpError(429, 'Too many failed sign-in attempts: wait 15 minutes and try again')
  }

  if (!(await hasUsers(db))) return createOwner(db, email, password)

  const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  if (await verifyPassword(password, user?.password_hash ?? null)) {
    if (record !== undefined) await db.deleteFrom('login_failures').where('key_hash', '=', key).execute()
    // Signing in is what makes an account "active" for NodeInfo and the instance usage figures.
    if (user?.account_id) await db.updateTable('accounts').set({ last_active_at: new Date().toISOString() }).where('id', '=', user.account_id).execute()
    return user as UserRow
  }
  const now = new Date().toISOString()
  await db.deleteFrom('login_failures').where('window_start', '<', cutoff).execute()
  await db
    .insertInto('login_failures')
    .values({ key_hash: key, failures: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('key_hash').doUpdateSet({
        failures: sql<number>`CASE WHEN window_start < ${cutoff} THEN 1 ELSE failures + 1 END`,
        window_start: sql<string>`CASE WHEN window_start < ${cutoff} THEN ${now} ELSE window_start END`,
      }),
    )
    .execute()
  throw new HttpError(401, 'Wrong email or password')
}

async function createOwner(db: Db, email: string, password: string): Promise<UserRow> {
  checkPasswordStrength(password)
  const id = newId()
  const hash = await hashPassword(password)
  // Only while there is no user at all, so two first logins at once cannot both become the owner.
  await sql`INSERT INTO users (id, email, password_hash, role, approved)
            SELECT ${id}, ${email}, ${hash}, 'admin', 1 WHERE NOT EXISTS (SELECT 1 FROM users)`.execute(db)
  const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  if (user === undefined) throw new HttpError(409, 'The owner was set up meanwhile: sign in with their email and password')
  return user
}
