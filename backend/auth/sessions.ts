import type { Db } from '../db/client'
import type { UserRow } from '../mastodon/account'
import { cookieName, readCookie, setCookie } from './cookies'
import { randomSecret, sha256Hex } from './secrets'

const SESSION = 'herd_session'
const SESSION_SECONDS = 60 * 60 * 24 * 30

/** A new browser session for a user; returns the Set-Cookie header. Only the id's hash is stored. */
export async function startSession(db: Db, request: Request, userId: string): Promise<string> {
  const id = randomSecret()
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<', new Date().toISOString()).execute()
  await db
    .insertInto('sessions')
    .values({ id_hash: await sha256Hex(id), user_id: userId, expires_at: new Date(Date.now() + SESSION_SECONDS * 1000).toISOString() })
    .execute()
  return setCookie(request, SESSION, id, SESSION_SECONDS)
}

export async function sessionUser(db: Db, request: Request): Promise<UserRow | null> {
  const id = readCookie(request, cookieName(request, SESSION))
  if (id === null || id === '') return null
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .where('s.id_hash', '=', await sha256Hex(id))
    .where('s.expires_at', '>', new Date().toISOString())
    .executeTakeFirst()
  return row ?? null
}

/** Ends the session (if any) and returns the Set-Cookie header that clears it. */
export async function endSession(db: Db, request: Request): Promise<string> {
  const id = readCookie(request, cookieName(request, SESSION))
  if (id !== null && id !== '') await db.deleteFrom('sessions').where('id_hash', '=', await sha256Hex(id)).execute()
  return setCookie(request, SESSION, '', 0)
}
