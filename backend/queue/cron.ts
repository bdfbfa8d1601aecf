import type { Env } from '../env'
import { errorMessage } from '../cache/client'
import { publishDueStatuses } from '../scheduled/scheduled'
import { closeEndedPolls } from '../polls/close'

/**
 * The consumer's Cron Trigger (every minute, consumer/wrangler.toml): publishes scheduled statuses that are
 * due and closes polls that ended. Both are safe to run twice at once or again after a failure.
 */
export async function runCron(env: Env, waitUntil: (p: Promise<unknown>) => void): Promise<{ published: number; closed: number }> {
  let published = 0
  let closed = 0
  try {
    published = await publishDueStatuses(env, waitUntil)
  } catch (err) {
    console.error(`cron: scheduled statuses failed: ${errorMessage(err)}`)
  }
  try {
    closed = await closeEndedPolls(env)
  } catch (err) {
    console.error(`cron: closing polls failed: ${errorMessage(err)}`)
  }
  return { published, closed }
}
