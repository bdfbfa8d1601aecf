import { base64url, equalBytes, fromBase64 } from './secrets'

/**
 * PBKDF2-SHA256 through WebCrypto. Cloudflare's Workers runtime refuses more than 100,000
 * iterations (the local Miniflare build does not enforce it), so that is the cost: about 22 ms of
 * CPU per hash, measured on workerd. Stored hashes carry their count, so it can change later.
 */
export const PBKDF2_ITERATIONS = 100_000
const SCHEME = 'pbkdf2-sha256'

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)
  return new Uint8Array(bits)
}

/** "pbkdf2-sha256$<iterations>$<salt>$<hash>", salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, PBKDF2_ITERATIONS)
  return `${SCHEME}$${PBKDF2_ITERATIONS}$${base64url(salt)}$${base64url(hash)}`
}

// Checked against when the email is unknown, so both paths cost the same.
const DUMMY = `${SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, iter, salt, hash] = (stored ?? DUMMY).split('$')
  const iterations = Number(iter)
  if (scheme !== SCHEME || salt === undefined || hash === undefined || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false
  const derived = await derive(password, fromBase64(salt), iterations)
  return equalBytes(derived, fromBase64(hash)) && stored !== null
}
