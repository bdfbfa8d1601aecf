import { authenticateToken, bearerToken } from '../auth/authenticate'
import { grants } from '../auth/scopes'
import { HttpError, notFound } from '../http/errors'
import type { Context } from '../http/route'
import { SESSION_HEADER, type ConnectInfo } from '../../do/streaming-object'
import { isStreamError, parseSubscription, streamOfPath, truthy } from './streams'
import { accountShard } from './shards'

/** Mastodon clients may send the token as the WebSocket subprotocol (browsers cannot set headers). */
function protocolToken(request: Request): string | null {
  const value = request.headers.get('Sec-WebSocket-Protocol')?.split(',')[0]?.trim()
  return value === undefined || value === '' ? null : value
}

/**
 * `/api/v1/streaming` and `/api/v1/streaming/<path>`: a WebSocket upgrade, or Server-Sent Events for
 * a path that names a stream. Since Mastodon 4.2 every stream needs a user token with `read`
 * (or `read:statuses` / `read:notifications`); a bad or missing token is a 401 before any upgrade.
 * The connection is handed to the StreamingObject shard of the account.
 */
export async function openStream(ctx: Context, path: string): Promise<Response> {
  const { request } = ctx
  const url = new URL(request.url)
  const websocket = request.headers.get('Upgrade')?.toLowerCase() === 'websocket'
  let stream: string | null = url.searchParams.get('stream')
  if (path !== '') {
    stream = streamOfPath(path, truthy(url.searchParams.get('only_media')))
    if (stream === null) throw new HttpError(400, 'Unknown channel requested')
  }
  // Mastodon: a plain request to /api/v1/streaming answers Not Found when streaming is on this same host.
  if (!websocket && stream === null) throw notFound()
  const token = bearerToken(request) ?? (websocket ? protocolToken(request) : null)
  if (token === null) throw new HttpError(401, 'Missing access token')
  const auth = await authenticateToken(ctx, token, ['read:statuses', 'read:notifications'])
  if (auth.accountId === null) throw new HttpError(401, 'This stream requires a user token')
  const scopes = { statuses: grants(auth.scopes, 'read:statuses'), notifications: grants(auth.scopes, 'read:notifications') }
  const initial = stream === null ? null : { stream, tag: url.searchParams.get('tag') ?? undefined, list: url.searchParams.get('list') ?? undefined }
  if (!websocket) {
    const sub = parseSubscription(initial ?? {}, scopes)
    if (isStreamError(sub)) throw new HttpError(sub.status, sub.error)
  }
  const info: ConnectInfo = { accountId: auth.accountId, tokenId: auth.tokenId, scopes, initial }
  // The object needs the upgrade and the subprotocol to echo, not the credentials.
  const headers = new Headers(request.headers)
  headers.delete('Authorization')
  headers.set(SESSION_HEADER, encodeURIComponent(JSON.stringify(info)))
  return accountShard(ctx.env, auth.accountId).fetch(`${url.origin}/streaming`, { method: 'GET', headers, signal: request.signal })
}
