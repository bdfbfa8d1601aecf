import { fromBase64 } from '../auth/secrets'
import { openBytes, sealBytes } from '../crypto/seal'
import type { Db } from '../db/client'
import type { Env } from '../env'
import { parseDevAllowHosts, urlProblem } from '../federation/address-guard'
import { notFound, unprocessable } from '../http/errors'
import { vapidPublicKey } from './vapid'

/** The notification types a subscription can ask for, as Mastodon lists them. */
export const ALERT_TYPES = ['mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update', 'admin.sign_up', 'admin.report'] as const
export type AlertType = (typeof ALERT_TYPES)[number]
export type PushPolicy = 'all' | 'followed' | 'follower' | 'none'
const POLICIES: readonly PushPolicy[] = ['all', 'followed', 'follower', 'none']

export interface PushSubscriptionRow {
  id: number
  token_id: string
  account_id: string
  endpoint: string
  p256dh: string
  auth: string
  standard: number
  alerts: string
  policy: PushPolicy
  access_token_sealed: string
}

interface SubscriptionInput {
  endpoint: string
  p256dh: string
  auth: string
  standard: boolean
}

interface DataInput {
  alerts: Partial<Record<AlertType, boolean>> | null
  policy: PushPolicy | null
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

/** Form values arrive as strings, JSON as booleans; Rails treats "1", "true" and "on" as true. */
function bool(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && ['1', 'true', 'on', 't'].includes(value.toLowerCase())) return true
  if (typeof value === 'string' && ['0', 'false', 'off', 'f', ''].includes(value.toLowerCase())) return false
  throw unprocessable(`Validation failed: ${name} must be a boolean`)
}

function readData(params: Record<string, unknown>): DataInput {
  const data = record(params.data) ?? {}
  const alertsIn = record(data.alerts)
  let alerts: DataInput['alerts'] = null
  if (alertsIn !== null) {
    alerts = {}
    for (const type of ALERT_TYPES) if (type in alertsIn) alerts[type] = bool(alertsIn[type], `alerts[${type}]`)
  }
  // Mastodon reads the policy from data[policy]; some clients send it at the top level.
  const policyIn = data.policy ?? params.policy
  let policy: PushPolicy | null = null
  if (policyIn !== undefined && policyIn !== null && policyIn !== '') {
    if (typeof policyIn !== 'string' || !POLICIES.includes(policyIn as PushPolicy)) throw unprocessable('Validation failed: Policy is not included in the list')
    policy = policyIn as PushPolicy
  }
  return { alerts, policy }
}

/** An uncompressed P-256 point and a 16-byte secret, as PushSubscription.getKey() gives them. */
function readSubscription(params: Record<string, unknown>, env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS'>): SubscriptionInput {
  const sub = record(params.subscription)
  const keys = record(sub?.keys)
  const endpoint = sub?.endpoint
  if (typeof endpoint !== 'string' || endpoint === '') throw unprocessable("Validation failed: Endpoint can't be blank")
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw unprocessable('Validation failed: Endpoint is not a valid URL')
  }
  // Pushes go out from the consumer through the same guard as federation: refuse at the door.
  const problem = endpoint.length > 2048 ? 'is too long' : urlProblem(url, parseDevAllowHosts(env.HERD_DEV_ALLOW_HOSTS))
  if (problem !== null) throw unprocessable(`Validation failed: Endpoint ${problem}`)
  const p256dh = keys?.p256dh
  const auth = keys?.auth
  if (typeof p256dh !== 'string' || !validKey(p256dh, 65) || fromBase64(p256dh)[0] !== 4) throw unprocessable('Validation failed: Keys p256dh must be an uncompressed P-256 public key')
  if (typeof auth !== 'string' || !validKey(auth, 16)) throw unprocessable('Validation failed: Keys auth must be 16 bytes')
  const standard = sub?.standard === undefined || sub.standard === null ? false : bool(sub.standard, 'standard')
  return { endpoint, p256dh: p256dh.replace(/=+$/, ''), auth: auth.replace(/=+$/, ''), standard }
}

function validKey(text: string, length: number): boolean {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return false
  try {
    return fromBase64(text).length === length
  } catch {
    return false
  }
}

function tokenContext(tokenId: string): string {
  return `push-subscription-token:${tokenId}`
}

/** The access token a push payload carries; it is sealed to the token it belongs to. */
export async function openAccessToken(env: Pick<Env, 'HERD_KEK'>, row: Pick<PushSubscriptionRow, 'token_id' | 'access_token_sealed'>): Promise<string> {
  return new TextDecoder().decode(await openBytes(env, row.access_token_sealed, tokenContext(row.token_id)))
}

export function alertsOf(row: Pick<PushSubscriptionRow, 'alerts'>): Record<AlertType, boolean> {
  const stored = JSON.parse(row.alerts) as Partial<Record<AlertType, boolean>>
  return Object.fromEntries(ALERT_TYPES.map((t) => [t, stored[t] === true])) as Record<AlertType, boolean>
}

/** The WebPushSubscription entity. */
export async function renderSubscription(env: Pick<Env, 'VAPID_PRIVATE_KEY'>, row: PushSubscriptionRow) {
  return {
    id: String(row.id),
    endpoint: row.endpoint,
    standard: row.standard === 1,
    alerts: alertsOf(row),
    policy: row.policy,
    server_key: await vapidPublicKey(env),
  }
}

export async function subscriptionForToken(db: Db, tokenId: string): Promise<PushSubscriptionRow | null> {
  const row = await db.selectFrom('push_subscriptions').selectAll().where('token_id', '=', tokenId).executeTakeFirst()
  return (row as PushSubscriptionRow | undefined) ?? null
}

export interface TokenHolder {
  tokenId: string
  accountId: string
  /** The bearer token of the request, sealed for the payloads. */
  token: string
}

/** POST: a new subscription replaces the token's previous one, as in Mastodon. */
export async function subscribe(env: Env, db: Db, holder: TokenHolder, params: Record<string, unknown>): Promise<PushSubscriptionRow> {
  if (env.VAPID_PRIVATE_KEY === undefined || env.VAPID_PRIVATE_KEY === '') throw unprocessable('Web Push is not configured on this server')
  const sub = readSubscription(params, env)
  const data = readData(params)
  const sealed = await sealBytes(env, new TextEncoder().encode(holder.token) as Uint8Array<ArrayBuffer>, tokenContext(holder.tokenId))
  const now = new Date().toISOString()
  const values = {
    token_id: holder.tokenId,
    account_id: holder.accountId,
    endpoint: sub.endpoint,
    p256dh: sub.p256dh,
    auth: sub.auth,
    standard: sub.standard ? 1 : 0,
    alerts: JSON.stringify(data.alerts ?? {}),
    policy: data.policy ?? 'all',
    access_token_sealed: sealed,
    updated_at: now,
  }
  // A new row (and id) each time, so a client that re-subscribes never reuses a stale id; one
  // batch so the token never has two subscriptions or none.
  await env.DB.batch([
    env.DB.prepare('DELETE FROM push_subscriptions WHERE token_id = ?').bind(holder.tokenId),
    env.DB.prepare(
      `INSERT INTO push_subscriptions (token_id, account_id, endpoint, p256dh, auth, standard, alerts, policy, access_token_sealed, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(values.token_id, values.account_id, values.endpoint, values.p256dh, values.auth, values.standard, values.alerts, values.policy, values.access_token_sealed, now),
  ])
  const row = await subscriptionForToken(db, holder.tokenId)
  if (row === null) throw new Error('push subscription vanished after insert')
  return row
}

/** PUT: only the alerts and the policy change; alerts not sent keep their value. */
export async function updateSubscription(db: Db, tokenId: string, params: Record<string, unknown>): Promise<PushSubscriptionRow> {
  const row = await subscriptionForToken(db, tokenId)
  if (row === null) throw notFound()
  const data = readData(params)
  const alerts = { ...alertsOf(row), ...(data.alerts ?? {}) }
  await db
    .updateTable('push_subscriptions')
    .set({ alerts: JSON.stringify(alerts), policy: data.policy ?? row.policy, updated_at: new Date().toISOString() })
    .where('id', '=', row.id)
    .execute()
  return { ...row, alerts: JSON.stringify(alerts), policy: data.policy ?? row.policy }
}

export async function unsubscribe(db: Db, tokenId: string): Promise<void> {
  await db.deleteFrom('push_subscriptions').where('token_id', '=', tokenId).execute()
}
