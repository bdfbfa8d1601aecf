import type { Env } from '../env'
import { HttpError } from '../http/errors'
import { base64url, fromBase64 } from '../auth/secrets'

/**
 * Private keys at rest: AES-GCM under HERD_KEK, with a context (the account id or DID) as
 * associated data, so a sealed key copied to another owner's row does not open.
 * Format: "v1.<iv b64url>.<ciphertext b64url>".
 */
async function kek(env: Pick<Env, 'HERD_KEK'>): Promise<CryptoKey> {
  const raw = env.HERD_KEK === undefined || env.HERD_KEK === '' ? null : fromBase64(env.HERD_KEK.trim())
  if (raw === null || raw.length !== 32) {
    throw new HttpError(503, 'HERD_KEK is not configured: set a 32-byte base64 secret (see backend/env.ts) before creating keys')
  }
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

export async function sealBytes(env: Pick<Env, 'HERD_KEK'>, plain: ArrayBuffer | Uint8Array<ArrayBuffer>, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) }, await kek(env), plain)
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`
}

export async function openBytes(env: Pick<Env, 'HERD_KEK'>, sealed: string, context: string): Promise<Uint8Array<ArrayBuffer>> {
  const [version, iv, data] = sealed.split('.')
  if (version !== 'v1' || iv === undefined || data === undefined) throw new Error('unknown sealed key format')
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: new TextEncoder().encode(context) }, await kek(env), fromBase64(data))
  return new Uint8Array(plain)
}
