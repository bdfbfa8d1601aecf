// Harness routes for the streaming API: publish events as posting, deleting and the consumer
// will (those call sites land from other branches), and look inside the StreamingObject shards.
import type { Env } from '../../backend/env'
import { database } from '../../backend/db/client'
import { readJsonObject } from '../../backend/http/body'
import { publishDelete, publishFiltersChanged, publishNotification, publishStatus, statusAudience, type StatusAudience } from '../../backend/streaming/publish'
import { STREAM_SHARDS, accountShard, streamingShard } from '../../backend/streaming/shards'
import { SESSION_HEADER, type ConnectInfo } from '../../do/streaming-object'

export async function streamingRoute(request: Request, env: Env, pathname: string): Promise<Response> {
  if (pathname === '/streaming/connect') {
    // For the bench, which runs no Pages: a socket for any account id, straight to its shard (no token).
    const url = new URL(request.url)
    const accountId = url.searchParams.get('account') ?? ''
    const info: ConnectInfo = { accountId, tokenId: `bench-${accountId}`, scopes: { statuses: true, notifications: true }, initial: { stream: url.searchParams.get('stream') ?? 'public' } }
    const headers = new Headers(request.headers)
    headers.set(SESSION_HEADER, encodeURIComponent(JSON.stringify(info)))
    return accountShard(env, accountId).fetch(request.url, { headers })
  }
  const db = database(env.DB)
  const body = request.method === 'POST' ? await readJsonObject(request) : {}
  const str = (key: string) => String(body[key] ?? '')
  switch (pathname) {
    case '/streaming/status':
      return Response.json({ sent: await publishStatus(env, db, str('statusId'), body.event === 'status.update' ? 'status.update' : 'update') })
    case '/streaming/audience':
      return Response.json(await statusAudience(db, str('statusId')))
    case '/streaming/delete':
      return Response.json({ sent: await publishDelete(env, str('statusId'), body.audience as StatusAudience) })
    case '/streaming/notification':
      return Response.json({ sent: await publishNotification(env, db, str('notificationId')) })
    case '/streaming/filters-changed':
      return Response.json({ sent: await publishFiltersChanged(env, str('accountId')) })
    case '/streaming/subscribers': {
      const all = await Promise.all(Array.from({ length: STREAM_SHARDS }, (_, i) => streamingShard(env, i).subscribers()))
      const total = { sockets: 0, eventStreams: 0, subscriptions: 0, restored: 0 }
      for (const s of all) {
        total.sockets += s.sockets
        total.eventStreams += s.eventStreams
        total.subscriptions += s.subscriptions
        total.restored += s.restored
      }
      return Response.json(total)
    }
    case '/streaming/forget-memory':
      await Promise.all(Array.from({ length: STREAM_SHARDS }, (_, i) => streamingShard(env, i).forgetMemory()))
      return Response.json({ ok: true })
    default:
      return Response.json({ error: 'no such harness route' }, { status: 404 })
  }
}
