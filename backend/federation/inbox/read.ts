// Reading the loose shapes of inbound ActivityStreams JSON: a value may be an id, an embedded object, or a list.

export type Json = Record<string, unknown>

export const PUBLIC_IDS = new Set(['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public'])

export function record(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** The id of a reference: a string, or an embedded object's `id`. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value
  return str(record(value)?.id)
}

/** Ids of a reference or list of references. */
export function idsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
  return list.map(idOf).filter((id): id is string => id !== null)
}

export function typeOf(value: unknown): string | null {
  const t = record(value)?.type
  if (typeof t === 'string') return t
  return Array.isArray(t) && typeof t[0] === 'string' ? t[0] : null
}

export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}

/** A valid ISO date from a `published`/`updated` value, or the fallback. */
export function dateOf(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback
  const t = Date.parse(value)
  return Number.isNaN(t) ? fallback : new Date(t).toISOString()
}
