import type { Env } from '../env'
import type { FederateMessage } from '../queue/messages'

/** Hands a local action to the federation consumer: ids and small facts only (see FederateMessage). */
export async function federate(env: Pick<Env, 'QUEUE'>, message: Omit<FederateMessage, 'type'>): Promise<void> {
  await env.QUEUE.send({ type: 'federate', ...message })
}
