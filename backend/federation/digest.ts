// Body digests: `Digest` (RFC 3230, what Mastodon sends with draft-cavage) and `Content-Digest` (RFC 9530,
// what RFC 9421 signers cover). A digest header only counts when every algorithm we know in it matches.
import { equalBytes, fromBase64, toBase64 } from './bytes'

async function hash(name: 'SHA-256' | 'SHA-512', body: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(name, body))
}

export async function digestHeader(body: Uint8Array): Promise<string> {
  return `SHA-256=${toBase64(await hash('SHA-256', body))}`
}

export async function contentDigestHeader(body: Uint8Array): Promise<string> {
  return `sha-256=:${toBase64(await hash('SHA-256', body))}:`
}

const KNOWN: Record<string, 'SHA-256' | 'SHA-512'> = { 'sha-256': 'SHA-256', 'sha-512': 'SHA-512' }

/** True when the `Digest` value names at least one known algorithm and all known ones match the body. */
export async function checkDigest(value: string, body: Uint8Array): Promise<boolean> {
  let matched = 0
  for (const part of value.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const alg = KNOWN[part.slice(0, eq).trim().toLowerCase()]
    if (!alg) continue
    const expected = fromBase64(part.slice(eq + 1).trim())
    if (!expected || !equalBytes(expected, await hash(alg, body))) return false
    matched++
  }
  return matched > 0
}

/** Same rule for `Content-Digest`, a structured-field dictionary of byte sequences (`sha-256=:…:`). */
export async function checkContentDigest(value: string, body: Uint8Array): Promise<boolean> {
  let matched = 0
  for (const part of value.split(',')) {
    const m = /^\s*([a-z0-9-]+)\s*=\s*:([A-Za-z0-9+/=]*):\s*$/.exec(part)
    if (!m || m[1] === undefined || m[2] === undefined) {
      if (part.trim() === '') continue
      return false
    }
    const alg = KNOWN[m[1]]
    if (!alg) continue
    const expected = fromBase64(m[2])
    if (!expected || !equalBytes(expected, await hash(alg, body))) return false
    matched++
  }
  return matched > 0
}
