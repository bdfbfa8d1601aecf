import type { Env } from '../env'
import type { Db } from '../db/client'
import { HttpError, unprocessable } from '../http/errors'
import { getSettings } from '../instance/settings'
import { hashPassword } from '../auth/password'
import { checkPasswordStrength, normalizeEmail } from '../auth/login'
import { issueToken, type IssuedToken } from '../auth/tokens'
import { parseScopes, within } from '../auth/scopes'
import { findAppById } from '../oauth/apps'
import { createLocalAccount, validateUsername } from './create'

function accepted(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 'on'
}

/**
 * POST /api/v1/accounts, called with an app token: registers a person when registrations are open
 * or need approval, and returns a user token for the app. Pending accounts get 403 on use until
 * the admin approves them.
 */
export async function register(env: Env, db: Db, d1: D1Database, appId: string | null, params: Record<string, unknown>, origin: string): Promise<IssuedToken> {
  const settings = await getSettings(env, db)
  if (settings.registrationsMode === 'closed') throw new HttpError(403, 'Registrations are closed on this server')
  const username = validateUsername(params.username)
  const email = normalizeEmail(params.email)
  const password = checkPasswordStrength(params.password)
  if (!accepted(params.agreement)) throw unprocessable('Validation failed: Agreement must be accepted')
  const reason = typeof params.reason === 'string' ? params.reason.trim().slice(0, 1000) : ''
  if (settings.registrationsMode === 'approval' && reason === '') throw unprocessable('Validation failed: Reason can\'t be blank')
  const app = appId === null ? null : await findAppById(db, appId)
  if (app === null) throw new HttpError(403, 'Registration needs an app token')
  const scopes = parseScopes(params.scope ?? app.scopes, app.scopes)
  if (!within(scopes, app.scopes.split(' '))) throw new HttpError(400, 'invalid_scope', {}, 'The requested scope is not registered by the app.')
  if ((await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined) {
    throw unprocessable('Validation failed: Email has already been taken')
  }
  const { userId } = await createLocalAccount(env, d1, {
    username,
    displayName: '',
    origin,
    user: { email, passwordHash: await hashPassword(password), approved: settings.registrationsMode === 'open', reason },
  })
  return issueToken(db, { appId: app.id, userId, scopes })
}

/** POST /api/v1/admin/accounts/:id/approve */
export async function approveAccount(db: Db, accountId: string): Promise<void> {
  const result = await db.updateTable('users').set({ approved: 1 }).where('account_id', '=', accountId).executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) throw new HttpError(404, 'Record not found')
}
