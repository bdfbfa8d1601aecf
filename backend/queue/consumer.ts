import { database } from '../db/client'
import type { Env } from '../env'
import { recordProbe } from '../health'
import { errorMessage } from '../cache/client'
import { fanOutNotificationPush, sendPush } from '../push/send'
import { publishNotification } from '../streaming/publish'
import { isQueueMessage, type QueueMessage } from './messages'
import { fanOut } from '../federation/outbound/fan-out'
import { deliver } from '../federation/outbound/deliver'
import { recordDeadLetter } from '../federation/outbound/dead-letters'
import { peerOf, recordPeerSuccess } from '../federation/outbound/peers'
import { processInbox } from '../federation/inbox/dispatch'
import { enqueueProjection, project } from '../atproto/projection/project'
import { syncProfile } from '../atproto/identity-profile'
import { requestCrawl } from '../atproto/identity-crawl'

/** Exponential backoff for retries: 10 s, 20 s, 40 s … capped at 12 hours. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempts - 1), 12 * 3600)
}

async function handle(message: QueueMessage, id: string, env: Env, attempts: number): Promise<void> {
  switch (message.type) {
    case 'probe':
      await recordProbe(database(env.DB), message.name, id)
      return
    case 'federate':
      await enqueueProjection(env, message)
      await fanOut(env, message)
      // A profile change also reaches the account's Bluesky profile record, if it is bridged.
      if (message.action === 'update-actor') await env.QUEUE.send({ type: 'atproto-profile', accountId: message.actorId }, { contentType: 'json' })
      return
    case 'atproto-profile':
      await syncProfile(env, database(env.DB), message.accountId)
      return
    case 'atproto-crawl':
      await requestCrawl(env, message.hostname)
      return
    case 'atproto-project':
      await project(env, message)
      return
    case 'deliver':
      await deliver(env, message, attempts)
      return
    case 'notification':
      await fanOutNotificationPush(env, database(env.DB), message.notificationId)
      await publishNotification(env, database(env.DB), message.notificationId)
      return
    case 'push':
      await sendPush(env, database(env.DB), message)
      return
    case 'inbox':
      // The intake verified this peer's signature: it is up, whatever it had failed to answer before.
      await recordPeerSuccess(env.DB, peerOf(message.signer))
      await processInbox(env, message)
      return
  }
}

/** The dead-letter queue (`herd-dlq`, or `<name>-dlq` when deployed): what exhausted its retries. */
export function isDeadLetterQueue(queue: string): boolean {
  return queue.endsWith('-dlq')
}

/** Records every message of a dead-letter batch; a failure to record retries, so none is lost unseen. */
async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      await recordDeadLetter(env.DB, { kind: 'exhausted', message: msg.body, reason: `gave up after ${msg.attempts} attempts on ${batch.queue.replace(/-dlq$/, '-queue')}`, attempts: msg.attempts })
      msg.ack()
    } catch (err) {
      console.error(`dlq: recording ${msg.id} failed: ${errorMessage(err)}`)
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) })
    }
  }
}

/**
 * Each message is acked or retried on its own, so one failure does not redeliver the batch.
 * A failure is never swallowed: it is logged and retried with a growing delay, and after the
 * queue's max_retries it goes to the dead-letter queue.
 */
export async function handleBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, env)
  const process = async (msg: Message<unknown>, body: QueueMessage): Promise<void> => {
    try {
      await handle(body, msg.id, env, msg.attempts)
      msg.ack()
    } catch (err) {
      console.error(`queue: ${body.type} ${msg.id} failed (attempt ${msg.attempts}): ${errorMessage(err)}`)
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) })
    }
  }
  // Deliveries are independent POSTs, mostly waiting on the network: they run side by side. Everything
  // else runs in order, so that, say, two copies of one fan-out never race each other.
  const deliveries: Promise<void>[] = []
  for (const msg of batch.messages) {
    if (!isQueueMessage(msg.body)) {
      // Retrying cannot fix a message we do not understand; keep a record and drop it.
      console.error('queue: dropping unknown message', msg.id)
      msg.ack()
    } else if (msg.body.type === 'deliver') deliveries.push(process(msg, msg.body))
    else await process(msg, msg.body)
  }
  await Promise.all(deliveries)
}
