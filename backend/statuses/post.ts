import type { Db } from '../db/client'
import { newId, timeOfId } from '../ids'
import { HttpError, unprocessable } from '../http/errors'
import { notificationsCommitted, notificationStatements } from '../notifications/create'
import { linkStatements } from '../trends/links'
import { fanOutStatements } from '../timelines/queries'
import { loadStatuses, type MastodonStatus, type StatusRow } from '../mastodon/status'
import { contentStatements, mentionNotifications, prepareContent, readDraft } from './compose'
import { federate } from './federate'
import { languageCode, optionalString } from './params'
import { prepared } from './sql'
import { visibleStatus } from './visibility'
import { pollStatement, readPollDraft } from '../polls/draft'
import { streamStatus, type Writer } from './writer'

type Visibility = StatusRow['visibility']
const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private', 'direct']

export function readVisibility(params: Record<string, unknown>, allowed: readonly Visibility[] = VISIBILITIES): Visibility | undefined {
  const v = optionalString(params, 'visibility')
  if (v === undefined || v === '') return undefined
  if (!(allowed as readonly string[]).includes(v)) throw unprocessable(`Validation failed: Visibility must be one of ${allowed.join(', ')}`)
  return v as Visibility
}

/** The author with their posting defaults (Mastodon's `source.privacy`, `source.language`, `source.sensitive`). */
export async function authorOf(db: Db, accountId: string) {
  const author = await db
    .selectFrom('accounts')
    .innerJoin('users', 'users.account_id', 'accounts.id')
    .select(['accounts.id', 'accounts.username', 'accounts.uri', 'users.privacy', 'users.language', 'users.sensitive'])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst()
  if (!author) throw new HttpError(422, 'This method requires an authenticated user')
  return author
}

/** How long a client's Idempotency-Key is honoured, as in Mastodon. */
const IDEMPOTENCY_MS = 3600_000

async function idempotentStatus(db: Db, accountId: string, key: string | null, now: number): Promise<string | null> {
  if (key === null) return null
  const row = await db
    .selectFrom('idempotency_keys')
    .select('status_id')
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .where('created_at', '>', new Date(now - IDEMPOTENCY_MS).toISOString())
    .executeTakeFirst()
  return row?.status_id ?? null
}

export async function render(w: Writer, id: string, viewerId: string): Promise<MastodonStatus> {
  const [status] = await loadStatuses(w.db, [id], w.site.origin, viewerId)
  if (!status) throw new HttpError(404, 'Record not found')
  return status
}

/** A new status' parameters, checked: nothing is written until all of it is valid. */
export async function checkNewStatus(w: Writer, accountId: string, params: Record<string, unknown>, scheduledId: string | null = null) {
  const draft = readDraft(params)
  const poll = readPollDraft(params)
  if (poll !== null && draft.mediaIds.length > 0) throw unprocessable('Validation failed: A status cannot have both media attachments and a poll')
  const visibilityParam = readVisibility(params)
  const replyToId = optionalString(params, 'in_reply_to_id') || null
  const author = await authorOf(w.db, accountId)
  const replyTo = replyToId === null ? null : await visibleStatus(w.db, accountId, replyToId)
  const content = await prepareContent(w.db, draft, author, w.site, null, scheduledId)
  return { draft, poll, visibility: visibilityParam ?? author.privacy, replyTo, author, content }
}

/**
 * POST /api/v1/statuses, and the publishing of a scheduled status (`scheduledId`). Everything is checked
 * first; then the status, its poll, mentions, tags and media, the idempotency key, the home-feed fan-out to
 * local readers and the notifications commit in ONE batch (with the scheduled row's removal), so a failure
 * leaves nothing behind and a scheduled status is published at most once. Federation follows through the queue.
 */
export async function postStatus(
  w: Writer,
  accountId: string,
  params: Record<string, unknown>,
  idempotencyKey: string | null,
  scheduledId: string | null = null,
): Promise<MastodonStatus> {
  if (idempotencyKey !== null && idempotencyKey.length > 255) throw unprocessable('Idempotency-Key is too long')
  const now = Date.now()
  const earlier = await idempotentStatus(w.db, accountId, idempotencyKey, now)
  if (earlier !== null) return render(w, earlier, accountId)

  const { draft, poll, visibility, replyTo, author, content } = await checkNewStatus(w, accountId, params, scheduledId)

  const id = newId(now)
  const createdAt = new Date(timeOfId(id)).toISOString()
  const pollId = poll === null ? null : newId(now)
  const uri = `${w.site.origin}/users/${author.username}/statuses/${id}`
  const statements: D1PreparedStatement[] = [
    prepared(
      w.d1,
      w.db.insertInto('statuses').values({
        id,
        uri,
        url: `${w.site.origin}/@${author.username}/${id}`,
        account_id: accountId,
        local: 1,
        in_reply_to_id: replyTo?.id ?? null,
        in_reply_to_account_id: replyTo?.account_id ?? null,
        reblog_of_id: null,
        content: content.html,
        text: draft.text,
        spoiler_text: draft.spoilerText,
        // Mastodon marks a post with a content warning sensitive.
        sensitive: (draft.sensitive ?? author.sensitive === 1) || draft.spoilerText !== '' ? 1 : 0,
        language: draft.language ?? languageCode(author.language),
        visibility,
        created_at: createdAt,
        edited_at: null,
        poll_id: pollId,
      }),
    ),
    ...(poll === null || pollId === null ? [] : [pollStatement(w.d1, w.db, pollId, id, accountId, poll, now)]),
    ...contentStatements(w.d1, w.db, id, content),
    ...linkStatements(w.d1, { id, html: content.html, visibility, createdAt }),
  ]
  if (idempotencyKey !== null) {
    // An expired key may be used again; a live one makes the plain insert fail, and the batch with it.
    statements.push(
      prepared(w.d1, w.db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', idempotencyKey).where('created_at', '<=', new Date(now - IDEMPOTENCY_MS).toISOString())),
      prepared(w.d1, w.db.insertInto('idempotency_keys').values({ account_id: accountId, key: idempotencyKey, status_id: id, created_at: new Date(now).toISOString() })),
    )
  }
  if (scheduledId !== null) {
    statements.push(
      w.d1.prepare('UPDATE media_attachments SET scheduled_status_id = NULL WHERE scheduled_status_id = ?1').bind(scheduledId),
      w.d1.prepare('DELETE FROM scheduled_statuses WHERE id = ?1').bind(scheduledId),
    )
  }
  statements.push(...fanOutStatements(w.d1, id))

  const notify = mentionNotifications(content, accountId, id)
  if (visibility !== 'direct') {
    // People who asked to be told when this account posts (follows.notify), local ones only.
    const subscribers = await w.db
      .selectFrom('follows')
      .innerJoin('accounts', 'accounts.id', 'follows.account_id')
      .select('follows.account_id')
      .where('follows.target_account_id', '=', accountId)
      .where('follows.state', '=', 'accepted')
      .where('follows.notify', '=', 1)
      .where('accounts.domain', '=', '')
      .execute()
    for (const s of subscribers) notify.push({ accountId: s.account_id, fromAccountId: accountId, type: 'status', statusId: id, key: `status:${id}` })
  }
  const notifications = notificationStatements(w.d1, notify)
  statements.push(...notifications.statements)

  try {
    await w.d1.batch(statements)
  } catch (err) {
    // The same key sent twice at once: the other request stored its status first.
    const winner = await idempotentStatus(w.db, accountId, idempotencyKey, now)
    if (winner !== null) return render(w, winner, accountId)
    throw err
  }
  await notificationsCommitted(w.env, notifications.ids)
  await federate(w.env, { action: 'create', actorId: accountId, objectId: id })
  streamStatus(w, id, 'update')
  return render(w, id, accountId)
}
