import { sql } from 'kysely'
import type { Db } from '../db/client'
import { isId } from '../ids'
import { notFound } from '../http/errors'
import { renderAccount, renderCredentialAccount, type AccountRow } from '../mastodon/account'

export async function accountById(db: Db, id: string): Promise<AccountRow | null> {
  if (!isId(id)) return null
  return (await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
}

/** GET /api/v1/accounts/:id */
export async function readAccount(db: Db, id: string, origin: string) {
  const row = await accountById(db, id)
  if (row === null) throw notFound()
  return renderAccount(row, origin)
}

/** GET /api/v1/accounts/lookup?acct=name or name@domain (this server's domain means local). */
export async function lookupAccount(db: Db, acct: unknown, origin: string, resolve?: (acct: string) => Promise<string | null>) {
  if (typeof acct !== 'string' || acct === '') throw notFound()
  const [username = '', domainPart] = acct.replace(/^@/, '').split('@')
  const host = new URL(origin).host
  const domain = domainPart === undefined || domainPart.toLowerCase() === host.toLowerCase() ? '' : domainPart.toLowerCase()
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    // COLLATE NOCASE matches the unique index on (username COLLATE NOCASE, domain).
    .where(sql<boolean>`username = ${username} COLLATE NOCASE`)
    .where('domain', '=', domain)
    .executeTakeFirst()
  if (row !== undefined) return renderAccount(row, origin)
  // An unknown user@domain is fetched by WebFinger, when the caller may make us fetch.
  const resolvedId = domain !== '' && resolve ? await resolve(`${username}@${domain}`) : null
  const resolved = resolvedId === null ? undefined : await db.selectFrom('accounts').selectAll().where('id', '=', resolvedId).executeTakeFirst()
  if (resolved === undefined) throw notFound()
  return renderAccount(resolved, origin)
}

/** GET /api/v1/accounts/verify_credentials: the token's own account, with `source` and `role`. */
export async function readCredentialAccount(db: Db, accountId: string, origin: string) {
  const row = await db
    .selectFrom('accounts as a')
    .innerJoin('users as u', 'u.account_id', 'a.id')
    .selectAll('a')
    .select(['u.id as user_id', 'u.email', 'u.password_hash', 'u.account_id', 'u.role', 'u.approved', 'u.note_source', 'u.fields_source', 'u.privacy', 'u.sensitive', 'u.language', 'u.registration_reason', 'u.created_at as user_created_at', 'u.expand_media', 'u.expand_spoilers'])
    .where('a.id', '=', accountId)
    .executeTakeFirst()
  if (row === undefined) throw notFound()
  const user = {
    id: row.user_id,
    email: row.email,
    password_hash: row.password_hash,
    account_id: row.account_id,
    role: row.role,
    approved: row.approved,
    note_source: row.note_source,
    fields_source: row.fields_source,
    privacy: row.privacy,
    sensitive: row.sensitive,
    language: row.language,
    registration_reason: row.registration_reason,
    created_at: row.user_created_at,
    expand_media: row.expand_media,
    expand_spoilers: row.expand_spoilers,
  }
  // Pending follow requests (inbound Follows of a locked account) are indexed by (target, state):
  // counting them reads only them.
  const requests = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('target_account_id', '=', accountId)
    .where('state', '=', 'pending')
    .executeTakeFirstOrThrow()
  return renderCredentialAccount(row, user, origin, Number(requests.n))
}

/** The instance's contact: the first admin with an account, or null before first login. */
/** The instance's contact: its first admin's account. */
export async function contactAccountRow(db: Db): Promise<AccountRow | null> {
  const row = await db
    .selectFrom('accounts as a')
    .innerJoin('users as u', 'u.account_id', 'a.id')
    .selectAll('a')
    .where('u.role', '=', 'admin')
    .where('u.account_id', 'is not', null)
    .orderBy('u.created_at')
    .limit(1)
    .executeTakeFirst()
  return row ?? null
}
