import { base64url, equalBytes, fromBase64 } from './secrets'

/**
 * PBKDF2-SHA256 through WebCrypto. workerd refuses more than 100,000 iterations, so that is the
 * cost: the slowest KDF the runtime offers, measured at a few tens of ms of CPU per hash.
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
  if (scheme !== SCHEME || salt === undefined || hash === undefined || !Number.isInteger(iterations)) return false
  const derived = await derive(password, fromBase64(salt), iterations)
  return equalBytes(derived, fromBase64(hash)) && stored !== null
}
