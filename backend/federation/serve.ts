// Serving local ActivityPub documents: content negotiation (a browser gets the web page), and the rule that
// followers-only and direct objects go only to signed requests from actors allowed to see them.
import type { Db } from '../db/client'
import type { Env } from '../env'
import { HttpError, notFound } from '../http/errors'
import type { StatusRow } from '../mastodon/status'
import { federationKeyResolver } from './key-resolver'
import { loadNoteParts, renderAnnounce, renderCreate, renderNote, withContext, type ApObject } from './objects'
import { ACTIVITY_JSON } from './signed-fetch'
import { verifyRequest } from './signatures'

/** Whether the client asked for a web page rather than an ActivityPub document. */
export function prefersHtml(request: Request): boolean {
  const accept = (request.headers.get('accept') ?? '').toLowerCase()
  if (accept.includes('application/activity+json') || accept.includes('application/ld+json')) return false
  return accept.includes('text/html')
}

export function activityResponse(object: ApObject, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(object), {
    headers: { 'Content-Type': `${ACTIVITY_JSON}; charset=utf-8`, Vary: 'Accept, Signature', ...extraHeaders },
  })
}

export function redirectTo(url: string): Response {
  return new Response(null, { status: 302, headers: { Location: url, Vary: 'Accept' } })
}

/** The actor id that signed this GET, or null for an unsigned request. A bad signature is refused (401). */
async function signedViewer(env: Env, db: Db, request: Request): Promise<string | null> {
  if (!request.headers.has('signature')) return null
  const verified = await verifyRequest(request, new Uint8Array(), federationKeyResolver(env, db))
  return verified.ownerId ?? verified.keyId.replace(/#.*$/, '')
}

/** Followers-only: accepted followers and mentioned accounts; direct: mentioned accounts. */
async function mayView(db: Db, status: StatusRow, viewerUri: string): Promise<boolean> {
  const viewer = await db.selectFrom('accounts').select('id').where('uri', '=', viewerUri).executeTakeFirst()
  if (!viewer) return false
  if (viewer.id === status.account_id) return true
  const mentioned = await db.selectFrom('status_mentions').select('account_id').where('status_id', '=', status.id).where('account_id', '=', viewer.id).executeTakeFirst()
  if (mentioned) return true
  if (status.visibility !== 'private') return false
  const follows = await db
    .selectFrom('follows')
    .select('id')
    .where('account_id', '=', viewer.id)
    .where('target_account_id', '=', status.account_id)
    .where('state', '=', 'accepted')
    .executeTakeFirst()
  return follows !== undefined
}

/**
 * A local status as its Note (or, with `activity`, the Create or Announce carrying it). Non-public statuses
 * answer 404 unless the request is signed by an actor allowed to see them: not even their existence leaks.
 */
export async function serveLocalStatus(env: Env, db: Db, request: Request, username: string, statusId: string, activity: boolean): Promise<Response> {
  const row = await db
    .selectFrom('statuses')
    .innerJoin('accounts', 'accounts.id', 'statuses.account_id')
    .selectAll('statuses')
    .where('statuses.id', '=', statusId)
    .where('statuses.local', '=', 1)
    .where('accounts.username', '=', username)
    .where('accounts.domain', '=', '')
    .executeTakeFirst()
  if (!row) throw notFound()
  const origin = new URL(request.url).origin
  if (row.visibility === 'private' || row.visibility === 'direct') {
    const viewer = await signedViewer(env, db, request)
    if (viewer === null || !(await mayView(db, row, viewer))) throw notFound()
  } else if (prefersHtml(request)) {
    return redirectTo(row.url ?? `${origin}/@${username}/${row.id}`)
  }
  const cache = row.visibility === 'public' || row.visibility === 'unlisted' ? { 'Cache-Control': 'max-age=60' } : { 'Cache-Control': 'private, no-store' }
  if (row.reblog_of_id !== null) {
    if (!activity) throw notFound()
    const target = await db
      .selectFrom('statuses')
      .innerJoin('accounts', 'accounts.id', 'statuses.account_id')
      .select(['statuses.uri as uri', 'accounts.uri as authorUri'])
      .where('statuses.id', '=', row.reblog_of_id)
      .executeTakeFirst()
    const actor = await db.selectFrom('accounts').select('uri').where('id', '=', row.account_id).executeTakeFirstOrThrow()
    if (!target) throw notFound()
    return activityResponse(renderAnnounce(row, actor.uri, target.uri, target.authorUri), cache)
  }
  const parts = (await loadNoteParts(db, [row])).get(row.id)
  if (!parts) throw new HttpError(404, 'Record not found')
  const note = renderNote(row, parts, origin)
  return activityResponse(activity ? renderCreate(note) : withContext(note), cache)
}
