import webpush from 'web-push'
import type { Db } from '../db/client'
import type { NotificationType } from '../db/schema'
import type { Env } from '../env'
import { htmlToPlainText } from '../federation/html-entities'
import { FetchRefused, policyFromEnv, safeFetch, type FetchedResponse } from '../federation/safe-fetch'
import { defaultAvatar } from '../mastodon/account'
import type { PushMessage } from '../queue/messages'
import { alertsOf, openAccessToken, type AlertType, type PushSubscriptionRow } from './subscriptions'
import { vapidKeys } from './vapid'

/** A push is worth little after a day; push services drop it then rather than wake a phone late. */
const PUSH_TTL_SECONDS = 48 * 3600
const BODY_LIMIT = 140

interface NotificationFacts {
  id: string
  account_id: string
  from_account_id: string
  type: NotificationType
  status_id: string | null
}

async function loadNotification(db: Db, id: string): Promise<NotificationFacts | null> {
  const row = await db.selectFrom('notifications').select(['id', 'account_id', 'from_account_id', 'type', 'status_id']).where('id', '=', id).where('filtered', '=', 0).executeTakeFirst()
  return row ?? null
}

/**
 * A notification was stored: queue one push per subscription whose alerts and policy want it,
 * so that one failing push service retries on its own without repeating the others.
 */
export async function fanOutNotificationPush(env: Env, db: Db, notificationId: string): Promise<void> {
  const n = await loadNotification(db, notificationId)
  if (n === null) return
  const subs = await db
    .selectFrom('push_subscriptions as p')
    .innerJoin('oauth_tokens as t', 't.id', 'p.token_id')
    .select(['p.id', 'p.alerts', 'p.policy'])
    .where('p.account_id', '=', n.account_id)
    .where('t.revoked_at', 'is', null)
    .execute()
  const wanted = subs.filter((s) => s.policy !== 'none' && alertsOf(s)[n.type as AlertType] === true)
  if (wanted.length === 0) return
  const policies = new Set(wanted.map((s) => s.policy))
  const follows = async (from: string, to: string) =>
    (await db.selectFrom('follows').select('id').where('account_id', '=', from).where('target_account_id', '=', to).where('state', '=', 'accepted').executeTakeFirst()) !== undefined
  const recipientFollows = policies.has('followed') ? await follows(n.account_id, n.from_account_id) : false
  const senderFollows = policies.has('follower') ? await follows(n.from_account_id, n.account_id) : false
  const messages = wanted
    .filter((s) => s.policy === 'all' || (s.policy === 'followed' && recipientFollows) || (s.policy === 'follower' && senderFollows))
    .map((s): { body: PushMessage } => ({ body: { type: 'push', subscriptionId: s.id, notificationId } }))
  for (let i = 0; i < messages.length; i += 100) await env.QUEUE.sendBatch(messages.slice(i, i + 100))
}

const TITLES: Partial<Record<NotificationType, string>> = {
  mention: '%s mentioned you',
  status: '%s just posted',
  reblog: '%s boosted your post',
  follow: '%s followed you',
  follow_request: '%s requested to follow you',
  favourite: '%s favourited your post',
  poll: 'A poll has ended',
  update: '%s edited a post',
  'admin.sign_up': '%s signed up',
  'admin.report': '%s filed a report',
}

function truncate(text: string): string {
  const chars = [...text]
  return chars.length <= BODY_LIMIT ? text : `${chars.slice(0, BODY_LIMIT - 1).join('')}…`
}

/** The JSON Mastodon puts in a push, before encryption to the subscriber's key. */
export interface PushPayload {
  access_token: string
  preferred_locale: string
  notification_id: string
  notification_type: NotificationType
  icon: string
  title: string
  body: string
}

async function buildPayload(env: Env, db: Db, sub: PushSubscriptionRow, n: NotificationFacts): Promise<PushPayload | null> {
  const from = await db.selectFrom('accounts').select(['username', 'domain', 'display_name', 'avatar_url', 'note']).where('id', '=', n.from_account_id).executeTakeFirst()
  const recipient = await db
    .selectFrom('accounts as a')
    .leftJoin('users as u', 'u.account_id', 'a.id')
    .select(['a.uri', 'u.language'])
    .where('a.id', '=', n.account_id)
    .executeTakeFirst()
  if (from === undefined || recipient === undefined) return null
  let body = ''
  if (n.status_id !== null) {
    const status = await db.selectFrom('statuses').select(['text', 'content', 'spoiler_text']).where('id', '=', n.status_id).executeTakeFirst()
    if (status === undefined) return null
    body = status.spoiler_text !== '' ? status.spoiler_text : (status.text ?? htmlToPlainText(status.content))
  } else if (n.type === 'follow' || n.type === 'follow_request') {
    body = htmlToPlainText(from.note)
  }
  const name = from.display_name !== '' ? from.display_name : from.username
  const origin = new URL(recipient.uri).origin
  return {
    access_token: await openAccessToken(env, sub),
    preferred_locale: recipient.language ?? 'en',
    notification_id: n.id,
    notification_type: n.type,
    icon: from.avatar_url ?? defaultAvatar(origin),
    title: (TITLES[n.type] ?? '%s').replace('%s', name),
    body: truncate(body),
  }
}

export type PushOutcome = 'sent' | 'gone' | 'rejected' | 'skipped'

/**
 * Encrypts and sends one push. 404 and 410 mean the subscription is gone: it is deleted. Other
 * 4xx answers cannot be fixed by retrying and are dropped; 429, 5xx and network errors throw,
 * so the queue retries with its growing delay.
 */
export async function sendPush(env: Env, db: Db, message: PushMessage): Promise<PushOutcome> {
  const keys = vapidKeys(env)
  if (keys === null) return 'skipped'
  const sub = (await db.selectFrom('push_subscriptions').selectAll().where('id', '=', message.subscriptionId).executeTakeFirst()) as PushSubscriptionRow | undefined
  const n = await loadNotification(db, message.notificationId)
  if (sub === undefined || n === null || sub.account_id !== n.account_id) return 'skipped'
  const payload = await buildPayload(env, db, sub, n)
  if (payload === null) return 'skipped'
  const vapid = await keys
  const origin = new URL((await db.selectFrom('accounts').select('uri').where('id', '=', n.account_id).executeTakeFirstOrThrow()).uri).origin
  const details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
    vapidDetails: { subject: vapidSubject(origin), publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    contentEncoding: sub.standard === 1 ? 'aes128gcm' : 'aesgcm',
    TTL: PUSH_TTL_SECONDS,
    urgency: 'normal',
  })
  let response: FetchedResponse
  try {
    response = await safeFetch(
      details.endpoint,
      { method: 'POST', headers: details.headers as Record<string, string>, body: details.body as Uint8Array<ArrayBuffer> },
      policyFromEnv(env, { maxBytes: 64 * 1024, timeoutMs: 15_000, maxRedirects: 0 }),
    )
  } catch (err) {
    // The guard refused the endpoint (a private address, say): no retry will change that.
    if (!(err instanceof FetchRefused)) throw err
    console.warn(`push: subscription ${sub.id} refused by the address guard`)
    return 'rejected'
  }
  if (response.status >= 200 && response.status < 300) return 'sent'
  if (response.status === 404 || response.status === 410) {
    await db.deleteFrom('push_subscriptions').where('id', '=', sub.id).execute()
    return 'gone'
  }
  if (response.status === 429 || response.status >= 500) throw new Error(`push service answered ${response.status}`)
  console.warn(`push: subscription ${sub.id} refused with ${response.status}; not retried`)
  return 'rejected'
}

/** RFC 8292 wants a contact: the instance's own https URL, or a mailto for local http instances. */
function vapidSubject(origin: string): string {
  const url = new URL(origin)
  return url.protocol === 'https:' ? origin : `mailto:admin@${url.hostname}`
}
