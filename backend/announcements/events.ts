// Streaming events for announcements, sent off the request path (callers pass them to waitUntil).
import type { Db } from '../db/client'
import type { Env } from '../env'
import { publishAnnouncementEvent } from '../streaming/publish'
import { reactionCount, renderForStream } from './announcements'

type StreamingEnv = Pick<Env, 'STREAMING'>

/** Logged, not thrown: a live event is best effort, and the REST list is the record. */
async function quietly(work: Promise<unknown>, what: string): Promise<void> {
  try {
    await work
  } catch (err) {
    console.error(`streaming: ${what} failed: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export function announcementPublished(env: StreamingEnv, db: Db, id: string, origin: string): Promise<void> {
  return quietly(
    renderForStream(db, id, origin).then((a) => (a === null ? 0 : publishAnnouncementEvent(env, 'announcement', JSON.stringify(a)))),
    'announcement',
  )
}

export function reactionChanged(env: StreamingEnv, db: Db, id: string, name: string): Promise<void> {
  return quietly(
    reactionCount(db, id, name).then((r) => publishAnnouncementEvent(env, 'announcement.reaction', JSON.stringify(r))),
    'announcement.reaction',
  )
}

export function announcementDeleted(env: StreamingEnv, id: string): Promise<void> {
  return quietly(publishAnnouncementEvent(env, 'announcement.delete', id), 'announcement.delete')
}
