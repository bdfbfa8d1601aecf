import { DurableObject } from 'cloudflare:workers'
import {
  MAX_SUBSCRIPTIONS,
  audienceOf,
  isStreamError,
  parseSubscription,
  reaches,
  sameSubscription,
  streamLabel,
  type Delivery,
  type StreamError,
  type StreamScopes,
  type Subscription,
} from '../backend/streaming/streams'

/** What the Pages route tells the object about a connection, in the SESSION_HEADER (URI-encoded JSON). */
export interface ConnectInfo {
  accountId: string
  /** The token's id (never the token), so revoking it closes the connection. */
  tokenId: string
  scopes: StreamScopes
  /** The stream named by the path or the `stream` query, if any. */
  initial: { stream?: unknown; tag?: unknown; list?: unknown } | null
}
export const SESSION_HEADER = 'X-Herd-Stream-Session'

/** Everything a socket needs to be matched against events. Kept in its attachment (≤ 2 KiB). */
interface Session {
  accountId: string
  scopes: StreamScopes
  subs: Subscription[]
}

interface EventStreamClient {
  tokenId: string
  session: Session
  writer: WritableStreamDefaultWriter<Uint8Array>
}

const HEARTBEAT_MS = 15_000
/**
 * Declines permessage-deflate, which browsers offer. Left alone, the runtime accepts it and then
 * compresses every event once per socket (each socket keeps its own zlib context): the bench measured
 * 1,000 sockets at 103 ms of workerd CPU per post with it and 62 ms without, and p99 230 ms against
 * 69 ms. Mastodon's streaming server does not compress either. Naming only extensions the runtime
 * does not implement makes it answer with none (the handshake then carries no extensions header).
 */
const NO_COMPRESSION = { 'Sec-WebSocket-Extensions': 'herd-uncompressed' }
const ALL_SCOPES: StreamScopes = { statuses: true, notifications: true }

/**
 * One shard of the streaming API. Each socket lives in the shard of its account (backend/streaming/shards.ts),
 * so events for an account's own streams reach one object; public and hashtag events go to every shard.
 *
 * WebSockets are accepted with the hibernation API: a socket's account, scopes and subscriptions live in
 * its attachment, so an object evicted while sockets idle comes back with every subscription intact. The
 * in-memory map is only a cache of those attachments. SSE connections cannot hibernate: while one is
 * open the object stays in memory and sends a heartbeat comment every 15 s.
 */
export class StreamingObject extends DurableObject {
  private sessions = new WeakMap<WebSocket, Session>()
  /** How many sessions were rebuilt from attachments since the object started (tests read it). */
  private restored = 0
  private readonly eventStreams = new Set<EventStreamClient>()
  private heartbeat: ReturnType<typeof setInterval> | null = null
  private readonly encoder = new TextEncoder()

  override fetch(request: Request): Response {
    const header = request.headers.get(SESSION_HEADER)
    if (header === null) return Response.json({ error: 'Not found' }, { status: 404 })
    const info = JSON.parse(decodeURIComponent(header)) as ConnectInfo
    return request.headers.get('Upgrade')?.toLowerCase() === 'websocket' ? this.openSocket(request, info) : this.openEventStream(request, info)
  }

  private openSocket(request: Request, info: ConnectInfo): Response {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket]
    // A client that sent its token as the subprotocol needs it echoed, or the handshake fails.
    const protocol = request.headers.get('Sec-WebSocket-Protocol')?.split(',')[0]?.trim()
    const response = new Response(null, { status: 101, webSocket: client, headers: { ...(protocol ? { 'Sec-WebSocket-Protocol': protocol } : {}), ...NO_COMPRESSION } })
    const initial = info.initial === null ? null : parseSubscription(info.initial, info.scopes)
    if (initial !== null && isStreamError(initial)) {
      // A connection whose only stream is invalid can never carry anything: it never joins the
      // shard (a plain socket, not hibernatable), says why and closes.
      server.accept()
      server.send(JSON.stringify(initial))
      server.close(1008, initial.error)
      return response
    }
    // Tagged by account, so events for one account's streams find its sockets without scanning all.
    this.ctx.acceptWebSocket(server, [info.accountId, tokenTag(info.tokenId)])
    this.save(server, { accountId: info.accountId, scopes: info.scopes, subs: initial === null ? [] : [initial] })
    return response
  }

  private openEventStream(request: Request, info: ConnectInfo): Response {
    const sub = parseSubscription(info.initial ?? {}, info.scopes)
    if (isStreamError(sub)) return Response.json(sub, { status: sub.status })
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
    const client: EventStreamClient = { tokenId: info.tokenId, session: { accountId: info.accountId, scopes: info.scopes, subs: [sub] }, writer: writable.getWriter() }
    this.eventStreams.add(client)
    this.write(client, ':)\n')
    request.signal.addEventListener('abort', () => this.dropEventStream(client))
    this.heartbeat ??= setInterval(() => {
      for (const c of this.eventStreams) this.write(c, ':thump\n')
    }, HEARTBEAT_MS)
    return new Response(readable, { headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' } })
  }

  private write(client: EventStreamClient, text: string): void {
    client.writer.write(this.encoder.encode(text)).catch(() => this.dropEventStream(client))
  }

  private dropEventStream(client: EventStreamClient): void {
    if (!this.eventStreams.delete(client)) return
    client.writer.abort().catch(() => undefined)
    if (this.eventStreams.size === 0 && this.heartbeat !== null) {
      clearInterval(this.heartbeat)
      this.heartbeat = null
    }
  }

  private session(ws: WebSocket): Session {
    let s = this.sessions.get(ws)
    if (s === undefined) {
      this.restored++
      s = ws.deserializeAttachment() as Session
      this.sessions.set(ws, s)
    }
    return s
  }

  private save(ws: WebSocket, s: Session): void {
    ws.serializeAttachment(s)
    this.sessions.set(ws, s)
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (typeof message !== 'string') return
    let json: unknown
    try {
      json = JSON.parse(message)
    } catch {
      return // Mastodon ignores what it cannot parse.
    }
    if (typeof json !== 'object' || json === null) return
    const body = json as { type?: unknown; stream?: unknown; tag?: unknown; list?: unknown }
    const session = this.session(ws)
    if (body.type === 'subscribe') {
      const sub = parseSubscription(body, session.scopes)
      if (isStreamError(sub)) return this.reply(ws, sub)
      if (session.subs.some((s) => sameSubscription(s, sub))) return
      if (session.subs.length >= MAX_SUBSCRIPTIONS) return this.reply(ws, { error: 'Too many subscriptions', status: 400 })
      this.save(ws, { ...session, subs: [...session.subs, sub] })
    } else if (body.type === 'unsubscribe') {
      // Leaving a stream needs no scope.
      const sub = parseSubscription(body, ALL_SCOPES)
      if (isStreamError(sub)) return this.reply(ws, sub)
      this.save(ws, { ...session, subs: session.subs.filter((s) => !sameSubscription(s, sub)) })
    }
  }

  private reply(ws: WebSocket, error: StreamError): void {
    ws.send(JSON.stringify(error))
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 ? 1000 : code)
    } catch {
      // Already closed.
    }
  }

  /**
   * Sends one event to every socket and event stream of this shard that may get it.
   * Returns how many messages went out.
   */
  deliver(d: Delivery): number {
    const audience = audienceOf(d)
    const sockets =
      audience.channels.size > 0
        ? this.ctx.getWebSockets()
        : [...new Set([...audience.user, ...audience.notification, ...audience.direct])].flatMap((id) => this.ctx.getWebSockets(id))
    // The same stream and payload make the same frame: each is serialized once per shard, however
    // many sockets get it, and a socket costs a map lookup and its send. Personal payloads (few:
    // the readers' own user streams) are keyed by account too.
    const frames = new Map<string, string>()
    const personal = d.payloadFor
    const filteredPublic = d.publicFor ?? {}
    /** A reader's own payload for this stream, null if their filters hide it, undefined for the shared one. */
    const own = (sub: Subscription, accountId: string): string | null | undefined =>
      personalStream(sub) ? personal?.[accountId] : filteredPublic[accountId]
    const frame = (sub: Subscription, accountId: string, mine: string | undefined): string => {
      const label = sub.tag ?? sub.list
      const key = mine === undefined ? (label === undefined ? sub.stream : `${sub.stream}\n${label}`) : `${accountId}\n${sub.stream}\n${label ?? ''}`
      let text = frames.get(key)
      if (text === undefined) {
        text = JSON.stringify({ stream: streamLabel(sub), event: d.event, payload: mine ?? d.payload })
        frames.set(key, text)
      }
      return text
    }
    let sent = 0
    for (const ws of sockets) {
      const s = this.session(ws)
      for (const sub of s.subs) {
        if (!reaches(audience, sub, s.accountId, s.scopes)) continue
        const mine = own(sub, s.accountId)
        if (mine === null) continue
        try {
          ws.send(frame(sub, s.accountId, mine))
          sent++
        } catch {
          // Closed meanwhile; its close handler cleans up.
        }
      }
    }
    for (const client of this.eventStreams) {
      const s = client.session
      const sub = s.subs.find((x) => reaches(audience, x, s.accountId, s.scopes))
      if (sub === undefined) continue
      const mine = own(sub, s.accountId)
      if (mine === null) continue
      this.write(client, `event: ${d.event}\ndata: ${mine ?? d.payload ?? 'undefined'}\n\n`)
      sent++
    }
    return sent
  }

  /** The token was revoked: end every connection it opened. */
  closeToken(tokenId: string): number {
    const sockets = this.ctx.getWebSockets(tokenTag(tokenId))
    for (const ws of sockets) {
      try {
        ws.close(1008, 'The access token was revoked')
      } catch {
        // Already closed.
      }
    }
    const streams = [...this.eventStreams].filter((c) => c.tokenId === tokenId)
    for (const c of streams) this.dropEventStream(c)
    return sockets.length + streams.length
  }

  /** Open sockets and their subscriptions, as their attachments hold them (tests and the bench wait on it). */
  subscribers(): { sockets: number; eventStreams: number; subscriptions: number; restored: number } {
    const sockets = this.ctx.getWebSockets()
    const subscriptions = sockets.reduce((n, ws) => n + this.session(ws).subs.length, 0)
    return { sockets: sockets.length, eventStreams: this.eventStreams.size, subscriptions, restored: this.restored }
  }

  /**
   * Tests only: forgets every socket's session held in memory, as eviction during hibernation does, so
   * the next event must rebuild each socket's subscriptions from its attachment.
   */
  forgetMemory(): void {
    this.sessions = new WeakMap()
  }
}

/**
 * Streams whose events are rendered for their reader (payloadFor): the home (`user`), lists and
 * direct. Public and hashtag streams carry the shared payload, as Mastodon renders them for no one.
 */
function personalStream(sub: Subscription): boolean {
  return sub.stream === 'user' || sub.stream === 'list' || sub.stream === 'direct'
}

function tokenTag(tokenId: string): string {
  return `token:${tokenId}`
}
