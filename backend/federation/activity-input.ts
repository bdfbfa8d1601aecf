// The first look at an inbound activity: bounded read, JSON parse, and the shape every handler relies on.
// Everything refused here is a 4xx with a clear message; nothing is stored before this passes.
import { HttpError } from '../http/errors'
import { devAllowed, type DevAllowHosts } from './address-guard'
import { readStreamLimited } from './bytes'

/** Mastodon caps inbox bodies near 1 MB as well; real activities are a few KB. */
export const MAX_ACTIVITY_BYTES = 256 * 1024
/** Deeper nesting than this is an attack on the parser or on our handlers, not an activity. */
export const MAX_ACTIVITY_DEPTH = 32

const ACTIVITY_MEDIA_TYPES = new Set(['application/activity+json', 'application/ld+json', 'application/json'])

export interface InboundActivity {
  id: string
  type: string
  /** The actor's id: from a string, or from an embedded object's `id`. */
  actor: string
  json: Record<string, unknown>
}

/** Reads at most `maxBytes` of the body, refusing (413) as soon as it grows past them, whatever Content-Length said. */
export async function readBodyLimited(request: Request, maxBytes = MAX_ACTIVITY_BYTES): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, `Activity body is larger than ${maxBytes} bytes`)
  if (Number(request.headers.get('content-length') ?? NaN) > maxBytes) throw tooLarge()
  return readStreamLimited(request.body, maxBytes, tooLarge)
}

function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    return new URL(value).protocol === 'https:'
  } catch {
    return false
  }
}

function depth(value: unknown, limit: number): number {
  // Iterative so that a hostile document cannot overflow the stack here either.
  let max = 0
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    if (d > max) max = d
    if (max > limit) return max
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1])
  }
  return max
}

export interface ActivityInputOptions {
  /** Accept http ids on these `host:port`s too: the local-development setting (HERD_DEV_ALLOW_HOSTS). */
  devAllowHosts?: DevAllowHosts
}

/** Checks the media type, parses the bytes and checks the shape. 415/400/422 on failure. */
export function parseActivity(contentType: string | null, body: Uint8Array, options: ActivityInputOptions = {}): InboundActivity {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (!ACTIVITY_MEDIA_TYPES.has(type)) throw new HttpError(415, `Unsupported content type: ${type || 'none'}`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body))
  } catch {
    throw new HttpError(400, 'Malformed JSON body')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new HttpError(400, 'Activity must be a JSON object')
  if (depth(json, MAX_ACTIVITY_DEPTH) > MAX_ACTIVITY_DEPTH) throw new HttpError(422, 'Activity is nested too deeply')
  const activity = json as Record<string, unknown>
  const urlOk = (v: unknown): v is string => {
    if (isHttpsUrl(v)) return true
    if (typeof v !== 'string' || !options.devAllowHosts) return false
    try {
      const u = new URL(v)
      return u.protocol === 'http:' && devAllowed(u, options.devAllowHosts)
    } catch {
      return false
    }
  }
  if (!urlOk(activity.id)) throw new HttpError(422, 'Activity id must be an https URL')
  if (typeof activity.type !== 'string' || activity.type === '') throw new HttpError(422, 'Activity type must be a string')
  const actorValue = activity.actor
  const actor = typeof actorValue === 'object' && actorValue !== null && !Array.isArray(actorValue) ? (actorValue as Record<string, unknown>).id : actorValue
  if (!urlOk(actor)) throw new HttpError(422, 'Activity actor must be an https URL')
  return { id: activity.id, type: activity.type, actor, json: activity }
}
