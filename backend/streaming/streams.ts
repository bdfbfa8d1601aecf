// The streams a client can subscribe to, as Mastodon names them, and what each one matches.
// Pure: shared by the Pages routes (which parse the first stream of a connection) and the
// StreamingObject (which parses subscribe messages and matches events to sockets).

export const STREAM_NAMES = [
  'user',
  'user:notification',
  'public',
  'public:media',
  'public:local',
  'public:local:media',
  'public:remote',
  'public:remote:media',
  'hashtag',
  'hashtag:local',
  'list',
  'direct',
] as const
export type StreamName = (typeof STREAM_NAMES)[number]

/** One subscription of a socket. Kept in the socket's attachment, so it must stay small. */
export interface Subscription {
  stream: StreamName
  /** hashtag streams: the tag as the client sent it (events echo it back). */
  tag?: string
  /** list stream: the list id. */
  list?: string
}

/** What a token allows the socket to read. */
export interface StreamScopes {
  statuses: boolean
  notifications: boolean
}

export interface StreamError {
  error: string
  status: number
}

/** Each socket may hold this many subscriptions: its attachment must stay under 2 KiB. */
export const MAX_SUBSCRIPTIONS = 16
const MAX_TAG = 100

function isStreamName(value: unknown): value is StreamName {
  return typeof value === 'string' && (STREAM_NAMES as readonly string[]).includes(value)
}

/** Mastodon lets `stream` be an array (first value wins), as query strings can repeat. */
function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Validates a subscription request (a subscribe/unsubscribe message, or the query of a connection)
 * with the errors Mastodon's streaming server gives.
 */
export function parseSubscription(raw: { stream?: unknown; tag?: unknown; list?: unknown }, scopes: StreamScopes): Subscription | StreamError {
  const stream = first(raw.stream)
  if (!isStreamName(stream)) return { error: 'Unknown stream type', status: 400 }
  const needs = stream === 'user:notification' ? scopes.notifications : scopes.statuses
  if (!needs) return { error: 'Access token does not have the required scopes', status: 401 }
  if (stream === 'hashtag' || stream === 'hashtag:local') {
    const tag = first(raw.tag)
    if (typeof tag !== 'string' || tag.trim() === '') return { error: 'No tag for stream provided', status: 400 }
    if (tag.length > MAX_TAG) return { error: 'Tag too long', status: 400 }
    return { stream, tag: tag.replace(/^#/, '') }
  }
  if (stream === 'list') {
    const list = first(raw.list)
    if (typeof list !== 'string' || !/^\d{1,20}$/.test(list)) return { error: 'Not authorized to stream this list', status: 400 }
    return { stream, list }
  }
  return { stream }
}

export function isStreamError(value: Subscription | StreamError): value is StreamError {
  return 'error' in value
}

/**
 * The channel a subscription listens to. Account streams (user, user:notification, direct) are
 * addressed by account id instead, so they have no channel.
 */
export function channelOf(sub: Subscription): string | null {
  switch (sub.stream) {
    case 'user':
    case 'user:notification':
    case 'direct':
      return null
    case 'hashtag':
      return `hashtag:${(sub.tag ?? '').toLowerCase()}`
    case 'hashtag:local':
      return `hashtag:local:${(sub.tag ?? '').toLowerCase()}`
    case 'list':
      return `list:${sub.list ?? ''}`
    default:
      return sub.stream
  }
}

/** The `stream` field of an event: `["hashtag", "tag"]`, `["list", "id"]` or `["name"]`. */
export function streamLabel(sub: Subscription): string[] {
  if (sub.tag !== undefined) return [sub.stream, sub.tag]
  if (sub.list !== undefined) return [sub.stream, sub.list]
  return [sub.stream]
}

export function sameSubscription(a: Subscription, b: Subscription): boolean {
  return a.stream === b.stream && channelOf(a) === channelOf(b)
}

/** The stream an SSE path names (`/api/v1/streaming/<path>`), with `only_media` as Mastodon reads it. */
export function streamOfPath(path: string, onlyMedia: boolean): StreamName | null {
  const media = onlyMedia ? ':media' : ''
  switch (path.replace(/\/+$/, '')) {
    case 'user':
      return 'user'
    case 'user/notification':
      return 'user:notification'
    case 'public':
      return `public${media}` as StreamName
    case 'public/local':
      return `public:local${media}` as StreamName
    case 'public/remote':
      return `public:remote${media}` as StreamName
    case 'hashtag':
      return 'hashtag'
    case 'hashtag/local':
      return 'hashtag:local'
    case 'list':
      return 'list'
    case 'direct':
      return 'direct'
    default:
      return null
  }
}

/** Mastodon's truthy query values (`only_media=1`, `true`, …). */
export function truthy(value: string | null): boolean {
  return value !== null && !['', '0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF'].includes(value)
}

/**
 * One event for one shard of the StreamingObject: what to send, and who may get it.
 * Public channels reach every socket subscribed to them; account streams only the listed accounts.
 */
export interface Delivery {
  event: 'update' | 'status.update' | 'delete' | 'notification' | 'conversation' | 'filters_changed' | 'announcement' | 'announcement.reaction' | 'announcement.delete'
  /** The payload as Mastodon sends it: a JSON string (a bare id for `delete`); absent for filters_changed. */
  payload?: string
  /** Payloads that differ per recipient (a conversation lists the other participants). */
  payloadFor?: Record<string, string>
  /** On public and hashtag streams, the readers whose filters match: their payload, or null to skip them. */
  publicFor?: Record<string, string | null>
  /** Public channels (see channelOf) that carry the event. */
  channels: string[]
  /** Accounts whose `user` stream gets it. */
  user: string[]
  /** Accounts whose `user:notification` stream gets it (and `user` too, with the notifications scope). */
  notification: string[]
  /** Accounts whose `direct` stream gets it. */
  direct: string[]
  /** Accounts that must not get it on any stream (blocks and mutes). */
  exclude: string[]
}

/** A delivery with its lists as sets, made once per delivery and matched against every socket. */
export interface Audience {
  channels: Set<string>
  user: Set<string>
  notification: Set<string>
  direct: Set<string>
  exclude: Set<string>
}

export function audienceOf(d: Delivery): Audience {
  return { channels: new Set(d.channels), user: new Set(d.user), notification: new Set(d.notification), direct: new Set(d.direct), exclude: new Set(d.exclude) }
}

/** The channel of a list's events: only the list's owner matches it (see `reaches`). */
export function listChannel(listId: string, ownerId: string): string {
  return `list:${listId}:${ownerId}`
}

/**
 * A channel that reaches the `user` stream of every account (all of them local: only local accounts
 * sign in), for instance-wide events such as announcements. Being a channel, it goes to every shard.
 */
export const EVERY_USER_CHANNEL = 'user:*'

/** Whether a socket's subscription gets the delivery, for the socket's account and scopes. */
export function reaches(a: Audience, sub: Subscription, accountId: string, scopes: StreamScopes): boolean {
  if (a.exclude.has(accountId)) return false
  switch (sub.stream) {
    case 'user':
      return a.user.has(accountId) || a.channels.has(EVERY_USER_CHANNEL) || (scopes.notifications && a.notification.has(accountId))
    case 'user:notification':
      return a.notification.has(accountId)
    case 'direct':
      return a.direct.has(accountId)
    case 'list':
      return a.channels.has(listChannel(sub.list ?? '', accountId))
    default:
      return a.channels.has(channelOf(sub) ?? '')
  }
}
