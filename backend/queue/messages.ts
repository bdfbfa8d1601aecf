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

export type QueueMessage = ProbeMessage

export function isQueueMessage(value: unknown): value is QueueMessage {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return v.type === 'probe' && typeof v.name === 'string' && typeof v.enqueuedAt === 'string'
}
