import { cborEncode } from '@atproto/lex-cbor'
import type { LexValue } from '@atproto/lex-data'

// Event-stream framing (atproto event-stream spec): each binary WebSocket message is two
// concatenated DAG-CBOR objects, a header and a body.

export const MAX_FRAME_BYTES = 5_000_000
export const MAX_RECORD_BYTES = 1_000_000
export const MAX_OPS_PER_COMMIT = 200

export function messageFrame(type: string, body: Record<string, LexValue>): Uint8Array {
  return concat(cborEncode({ op: 1, t: type }), cborEncode(body))
}

export function errorFrame(error: string, message: string): Uint8Array {
  return concat(cborEncode({ op: -1 }), cborEncode({ error, message }))
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
