/**
 * Queue messages carry ids and small facts, never keys, tokens or secrets: the consumer reads
 * keys from D1 and secrets from its own environment.
 */
export interface ProbeMessage {
  type: 'probe'
  /** Which heartbeat row to record against. */
  name: string
  enqueuedAt: string
}

/** A stored notification to push to subscribers and streams. */
export interface NotificationMessage {
  type: 'notification'
  notificationId: string
}

/** One Web Push for one subscription: sent, retried and dropped on its own. */
export interface PushMessage {
  type: 'push'
  subscriptionId: number
  notificationId: string
}

/**
 * A local action to federate. The consumer builds the activity from D1 and delivers it signed.
 * - create, update: objectId is the status id.
 * - delete: the status row is gone, so objectUri is its uri and targetAccountIds the accounts
 *   it mentioned (followers are read from D1).
 * - announce: objectId is the reblog's status id. undo-announce: activityUri is the reblog's
 *   activity id, objectUri the original's uri, targetAccountIds its author.
 * - like: objectId is the favourite id. undo-like: activityUri, objectUri, targetAccountIds.
 * - follow, accept-follow: objectId is the follow id. undo-follow, reject-follow: the row is gone,
 *   so activityUri is the Follow's id and targetAccountIds the other party.
 * - block: objectId is the block id. undo-block: activityUri and targetAccountIds.
 * - update-actor: the actor's profile changed.
 * - flag: objectId is a report id; the report goes to the reported account's server as a Flag,
 *   sent by the instance actor so the reporter stays anonymous to the remote side.
 * - vote: objectId is a poll_votes id of a local account on a remote poll; it goes to the poll's author
 *   as a Create of a Note named after the option (how Mastodon votes).
 */
export type FederateAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'announce'
  | 'undo-announce'
  | 'like'
  | 'undo-like'
  | 'follow'
  | 'undo-follow'
  | 'accept-follow'
  | 'reject-follow'
  | 'block'
  | 'undo-block'
  | 'update-actor'
  | 'flag'
  | 'vote'

export interface FederateMessage {
  type: 'federate'
  action: FederateAction
  /** The local account acting. */
  actorId: string
  objectId?: string
  activityUri?: string
  objectUri?: string
  targetAccountIds?: string[]
}

/**
 * A local action to project into the acting account's AT Protocol repository (it is bridged): the
 * same ids as the FederateMessage it came from, read again from D1 by the consumer.
 */
export interface AtprotoProjectMessage {
  type: 'atproto-project'
  action: FederateAction
  actorId: string
  objectId?: string
  activityUri?: string
  objectUri?: string
}

/**
 * One signed POST of a built activity to one inbox, fanned out from a FederateMessage. It carries the
 * activity's public JSON and the actor's id; the consumer opens the actor's key from D1 itself.
 */
export interface DeliverMessage {
  type: 'deliver'
  actorId: string
  inbox: string
  activityId: string
  /** The activity as JSON text, exactly the bytes to POST. */
  activity: string
  /** Sign with the instance actor's key rather than actorId's (a forwarded report). */
  signAs?: 'instance'
}

/**
 * An inbound activity whose signature was verified and bound to its actor. It carries what the peer sent
 * (nothing secret); one too large for a queue message is parked in KV under `activityKey` instead.
 */
export interface InboxMessage {
  type: 'inbox'
  activity?: Record<string, unknown>
  activityKey?: string
  /** The verified actor id (the signer, bound to the activity's actor). */
  signer: string
  /** This instance's origin as the peer reached it. */
  origin: string
}

/** Write (or rewrite) a bridged account's app.bsky.actor.profile record from its profile as it is now. */
export interface AtprotoProfileMessage {
  type: 'atproto-profile'
  accountId: string
}

/** Ask the configured relays (ATPROTO_RELAYS) to crawl this host. */
export interface AtprotoCrawlMessage {
  type: 'atproto-crawl'
  hostname: string
}

export type QueueMessage =
  | ProbeMessage
  | NotificationMessage
  | PushMessage
  | FederateMessage
  | InboxMessage
  | DeliverMessage
  | AtprotoProfileMessage
  | AtprotoCrawlMessage
  | AtprotoProjectMessage

export function isQueueMessage(value: unknown): value is QueueMessage {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  switch (v.type) {
    case 'probe':
      return typeof v.name === 'string' && typeof v.enqueuedAt === 'string'
    case 'notification':
      return typeof v.notificationId === 'string'
    case 'push':
      return typeof v.subscriptionId === 'number' && typeof v.notificationId === 'string'
    case 'federate':
    case 'atproto-project':
      return typeof v.action === 'string' && typeof v.actorId === 'string'
    case 'deliver':
      return typeof v.actorId === 'string' && typeof v.inbox === 'string' && typeof v.activityId === 'string' && typeof v.activity === 'string'
    case 'inbox':
      return typeof v.signer === 'string' && typeof v.origin === 'string' && (typeof v.activity === 'object' || typeof v.activityKey === 'string')
    case 'atproto-profile':
      return typeof v.accountId === 'string'
    case 'atproto-crawl':
      return typeof v.hostname === 'string'
    default:
      return false
  }
}
