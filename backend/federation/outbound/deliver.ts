// One delivery: POST the activity to the inbox, signed with the actor's key (read from D1 and opened under
// HERD_KEK from this Worker's environment). Transient failures throw so the queue retries with backoff;
// answers that retrying cannot change are recorded as dead letters and not retried.
import { database } from '../../db/client'
import type { Env } from '../../env'
import type { DeliverMessage } from '../../queue/messages'
import { FetchRefused } from '../safe-fetch'
import { instanceSigner } from '../instance-actor'
import { accountSigner, signedPost, type Signer } from '../signed-fetch'
import { recordDeadLetter } from './dead-letters'
import { isSkipped, peerOf, recordPeerFailure, recordPeerSuccess } from './peers'

/** A failure worth retrying: the queue backs off and tries again, then dead-letters it. */
export class DeliveryFailed extends Error {}

export type DeliveryOutcome = 'delivered' | 'skipped' | 'refused'

/** 4xx answers that may change on a later attempt; every other 4xx is final. */
const RETRYABLE_4XX = new Set([408, 429])

// Opening a key costs an AES decryption and an RSA import; a fan-out sends many deliveries by one actor in a
// row, so the isolate keeps opened (non-extractable) keys briefly.
const SIGNER_TTL_MS = 5 * 60 * 1000
const signers = new Map<string, { at: number; signer: Promise<Signer> }>()

function signerFor(env: Env, actorId: string): Promise<Signer> {
  const now = Date.now()
  const cached = signers.get(actorId)
  if (cached && now - cached.at < SIGNER_TTL_MS) return cached.signer
  if (signers.size > 100) signers.clear()
  const signer = accountSigner(env, database(env.DB), actorId)
  signers.set(actorId, { at: now, signer })
  signer.catch(() => signers.delete(actorId))
  return signer
}

export async function deliver(env: Env, msg: DeliverMessage, attempts: number): Promise<DeliveryOutcome> {
  const host = peerOf(msg.inbox)
  if (await isSkipped(env.DB, host)) {
    console.warn(`deliver: skipping ${msg.activityId} to unreachable ${host}`)
    return 'skipped'
  }
  const signer = msg.signAs === 'instance' ? await instanceSigner(env, database(env.DB)) : await signerFor(env, msg.actorId)
  if (signer === null) throw new DeliveryFailed('no instance actor to sign with')
  let status: number
  try {
    status = (await signedPost(env, msg.inbox, msg.activity, signer)).status
  } catch (err) {
    if (err instanceof FetchRefused) {
      await recordDeadLetter(env.DB, { kind: 'permanent', message: msg, reason: err.message, attempts })
      return 'refused'
    }
    await recordPeerFailure(env.DB, host)
    throw new DeliveryFailed(`${msg.inbox}: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (status >= 200 && status < 300) {
    await recordPeerSuccess(env.DB, host)
    return 'delivered'
  }
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
    // The host is up and answered; it just will not take this activity.
    await recordPeerSuccess(env.DB, host)
    await recordDeadLetter(env.DB, { kind: 'permanent', message: msg, reason: `HTTP ${status}`, attempts })
    return 'refused'
  }
  await recordPeerFailure(env.DB, host)
  throw new DeliveryFailed(`${msg.inbox}: HTTP ${status}`)
}
