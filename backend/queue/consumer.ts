import { database } from '../db/client'
import type { Env } from '../env'
import { recordProbe } from '../health'
import { errorMessage } from '../cache/client'
import { fanOutNotificationPush, sendPush } from '../push/send'
import { publishNotification } from '../streaming/publish'
import { isQueueMessage, type QueueMessage } from './messages'
import { processInbox } from '../federation/inbox/dispatch'

/** Exponential backoff for retries: 10 s, 20 s, 40 s … capped at 12 hours. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempts - 1), 12 * 3600)
}

async function handle(message: QueueMessage, id: string, env: Env): Promise<void> {
  switch (message.type) {
    case 'probe':
      await recordProbe(database(env.DB), message.name, id)
      return
    case 'notification':
      await fanOutNotificationPush(env, database(env.DB), message.notificationId)
      await publishNotification(env, database(env.DB), message.notificationId)
      return
    case 'push':
      await sendPush(env, database(env.DB), message)
      return
    case 'inbox':
      await processInbox(env, message)
      return
  }
}

/**
 * Each message is acked or retried on its own, so one failure does not redeliver the batch.
 * A failure is never swallowed: it is logged and retried with a growing delay, and after the
 * queue's max_retries it goes to the dead-letter queue.
 */
export async function handleBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    if (!isQueueMessage(msg.body)) {
      // Retrying cannot fix a message we do not understand; keep a record and drop it.
      console.error('queue: dropping unknown message', msg.id)
      msg.ack()
      continue
    }
    try {
      await handle(msg.body, msg.id, env)
      msg.ack()
    } catch (err) {
      console.error(`queue: ${msg.body.type} ${msg.id} failed (attempt ${msg.attempts}): ${errorMessage(err)}`)
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) })
    }
  }
}
