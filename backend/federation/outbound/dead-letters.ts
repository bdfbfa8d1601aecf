// Work given up on is recorded, never dropped silently: deliveries a peer refused for good, targets the
// address guard refused, and whatever the queue moved to its dead-letter queue after its last retry.
import { newId } from '../../ids'

export interface DeadLetter {
  kind: 'permanent' | 'exhausted'
  /** The queue message body (ids and public activity JSON only). */
  message: unknown
  reason: string
  attempts: number
}

function field(message: unknown, name: string): string | null {
  if (typeof message !== 'object' || message === null) return null
  const value = (message as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : null
}

export async function recordDeadLetter(d1: D1Database, letter: DeadLetter): Promise<void> {
  const type = field(letter.message, 'type') ?? 'unknown'
  await d1
    .prepare('INSERT INTO dead_letters (id, kind, message_type, activity_id, target, reason, attempts, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(
      newId(),
      letter.kind,
      type,
      field(letter.message, 'activityId') ?? field(letter.message, 'activityUri'),
      field(letter.message, 'inbox') ?? field(letter.message, 'objectId'),
      letter.reason.slice(0, 500),
      letter.attempts,
      JSON.stringify(letter.message ?? null),
    )
    .run()
}
