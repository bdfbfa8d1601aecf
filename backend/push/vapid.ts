import type { Env } from '../env'
import { base64url, fromBase64 } from '../auth/secrets'
import { parsePem } from '../federation/keys'

/** The instance's VAPID key pair in the forms Web Push uses: base64url raw P-256 point and scalar. */
export interface VapidKeys {
  /** Uncompressed public point (65 bytes), base64url: what clients pass to PushManager.subscribe. */
  publicKey: string
  /** The private scalar d (32 bytes), base64url. */
  privateKey: string
}

let memo: { pem: string; keys: Promise<VapidKeys> } | null = null

/**
 * Derived from VAPID_PRIVATE_KEY (PKCS#8 PEM), which the deploy generates once and keeps in its
 * state, so the key clients subscribed with survives every redeploy. Null when none is configured.
 */
export function vapidKeys(env: Pick<Env, 'VAPID_PRIVATE_KEY'>): Promise<VapidKeys> | null {
  const pem = env.VAPID_PRIVATE_KEY
  if (pem === undefined || pem.trim() === '') return null
  if (memo === null || memo.pem !== pem) memo = { pem, keys: derive(pem) }
  return memo.keys
}

async function derive(pem: string): Promise<VapidKeys> {
  const parsed = parsePem(pem)
  if (parsed === null || parsed.label !== 'PRIVATE KEY') throw new Error('VAPID_PRIVATE_KEY is not a PKCS#8 PEM')
  const key = await crypto.subtle.importKey('pkcs8', parsed.der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])
  const jwk = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey
  if (jwk.x === undefined || jwk.y === undefined || jwk.d === undefined) throw new Error('VAPID_PRIVATE_KEY is not a P-256 key')
  const point = new Uint8Array(65)
  point[0] = 4
  point.set(fromBase64(jwk.x), 1)
  point.set(fromBase64(jwk.y), 33)
  return { publicKey: base64url(point), privateKey: jwk.d }
}

/** The public key for API responses, or '' when Web Push is not configured. */
export async function vapidPublicKey(env: Pick<Env, 'VAPID_PRIVATE_KEY'>): Promise<string> {
  const keys = vapidKeys(env)
  return keys === null ? '' : (await keys).publicKey
}
