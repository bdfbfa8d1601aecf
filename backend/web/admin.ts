import type { Db } from '../db/client'
import type { Env } from '../env'
import { checkCsrf } from '../auth/cookies'
import { requireAdmin } from '../auth/admin'
import { currentIdentity } from '../auth/identity'
import { HttpError, unprocessable } from '../http/errors'
import type { UserRow } from '../mastodon/account'
import { approveAccount } from '../accounts/register'
import { updateSettings } from '../instance/settings'
import { invalidateSuspension } from '../federation/intake-cache'
import { settingsPatchFromForm, text } from './settings-form'

/** The signed-in admin, or null when the visitor is not signed in or not an admin. For page loaders. */
export async function adminUser(env: Env, db: Db, request: Request): Promise<UserRow | 'signed-out' | 'forbidden'> {
  const identity = await currentIdentity(env, db, request)
  if (identity.user === null) return 'signed-out'
  return identity.user.role === 'admin' && identity.user.approved === 1 ? identity.user : 'forbidden'
}

/**
 * Every owner-page form post goes through here first: same-site form with its CSRF token, a
 * signed-in user, and that user an admin (read from D1 for this request, not from the page).
 */
export async function requireAdminForm(env: Env, db: Db, request: Request, params: Record<string, unknown>): Promise<UserRow> {
  checkCsrf(request, params.csrf)
  const identity = await currentIdentity(env, db, request)
  if (identity.user === null) throw new HttpError(401, 'Sign in first')
  await requireAdmin(db, identity.user.id)
  return identity.user
}

export function saveSettings(env: Env, params: Record<string, unknown>): Promise<void> {
  return updateSettings(env, settingsPatchFromForm(params))
}

export async function pendingRegistrations(db: Db) {
  return db
    .selectFrom('users as u')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .select(['a.id as account_id', 'a.username', 'u.email', 'u.registration_reason', 'u.created_at'])
    .where('u.approved', '=', 0)
    .orderBy('u.created_at')
    .limit(200)
    .execute()
}

/** approve or reject a pending sign-up. Rejecting deletes the never-active local account (its user goes with it). */
export async function decideRegistration(db: Db, accountId: unknown, decision: unknown): Promise<void> {
  if (typeof accountId !== 'string' || accountId === '') throw unprocessable('account_id is required')
  if (decision === 'approve') return approveAccount(db, accountId)
  if (decision !== 'reject') throw unprocessable('decision must be approve or reject')
  const result = await db
    .deleteFrom('accounts')
    .where('id', '=', accountId)
    .where('domain', '=', '')
    .where('id', 'in', (eb) => eb.selectFrom('users').select('account_id').where('approved', '=', 0).where('account_id', '=', accountId))
    .executeTakeFirst()
  if (Number(result.numDeletedRows) !== 1) throw new HttpError(404, 'No pending registration for that account')
}

export async function listReports(db: Db, resolved: boolean) {
  return db
    .selectFrom('reports as r')
    .innerJoin('accounts as reporter', 'reporter.id', 'r.account_id')
    .innerJoin('accounts as target', 'target.id', 'r.target_account_id')
    .select([
      'r.id',
      'r.comment',
      'r.category',
      'r.status_ids',
      'r.created_at',
      'r.action_taken_at',
      'reporter.username as reporter_username',
      'reporter.domain as reporter_domain',
      'target.username as target_username',
      'target.domain as target_domain',
    ])
    .where('r.action_taken_at', resolved ? 'is not' : 'is', null)
    .orderBy('r.created_at', 'desc')
    .limit(100)
    .execute()
}

export async function resolveReport(db: Db, id: unknown): Promise<void> {
  if (typeof id !== 'string' || id === '') throw unprocessable('id is required')
  const result = await db
    .updateTable('reports')
    .set({ action_taken_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('action_taken_at', 'is', null)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) throw new HttpError(404, 'No open report with that id')
}

export function listDomainBlocks(db: Db) {
  return db.selectFrom('instance_domain_blocks').selectAll().orderBy('domain').execute()
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/

export async function addDomainBlock(env: Pick<Env, 'CACHE'>, db: Db, params: Record<string, unknown>): Promise<void> {
  const domain = (text(params, 'domain') ?? '').trim().toLowerCase()
  if (!DOMAIN.test(domain)) throw unprocessable('domain must be a host name such as spam.example')
  const severity = text(params, 'severity') ?? 'suspend'
  if (severity !== 'silence' && severity !== 'suspend' && severity !== 'noop') throw unprocessable('severity must be silence, suspend or noop')
  const publicComment = (text(params, 'public_comment') ?? '').trim().slice(0, 1000) || null
  const privateComment = (text(params, 'private_comment') ?? '').trim().slice(0, 1000) || null
  // The inbox reads suspensions through the cache. Invalidated before the write too: a cache that
  // is down refuses the change before anything is stored, rather than after.
  await invalidateSuspension(env, domain)
  await db
    .insertInto('instance_domain_blocks')
    .values({ domain, severity, public_comment: publicComment, private_comment: privateComment })
    .onConflict((oc) => oc.column('domain').doUpdateSet({ severity, public_comment: publicComment, private_comment: privateComment }))
    .execute()
  // And after it, so the next inbound activity already sees it (a fill that raced the write is dropped).
  await invalidateSuspension(env, domain)
}

export async function removeDomainBlock(env: Pick<Env, 'CACHE'>, db: Db, domain: unknown): Promise<void> {
  if (typeof domain !== 'string' || domain === '') throw unprocessable('domain is required')
  await invalidateSuspension(env, domain)
  await db.deleteFrom('instance_domain_blocks').where('domain', '=', domain.toLowerCase()).execute()
  await invalidateSuspension(env, domain)
}
