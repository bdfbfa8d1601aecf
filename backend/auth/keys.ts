import type { Db } from '../db/client'
import type { Env } from '../env'
import { HttpError } from '../http/errors'
import { base64url, fromBase64 } from './secrets'

/** A local account's signing key pair: the public PEM for the accounts row, the private key sealed. */
export interface SealedKeyPair {
  publicKeyPem: string
  privateKeyEncrypted: string
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }

async function kek(env: Pick<Env, 'HERD_KEK'>): Promise<CryptoKey> {
  const raw = env.HERD_KEK === undefined || env.HERD_KEK === '' ? null : fromBase64(env.HERD_KEK.trim())
  if (raw === null || raw.length !== 32) {
    throw new HttpError(503, 'HERD_KEK is not configured: set a 32-byte base64 secret (see backend/env.ts) before creating accounts')
  }
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)))
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

/** RSA-2048 for HTTP signatures; the private key is encrypted under HERD_KEK with the account id bound in. */
export async function generateAccountKeys(env: Pick<Env, 'HERD_KEK'>, accountId: string): Promise<SealedKeyPair> {
  const key = await kek(env)
  const pair = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair
  const spki = (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer
  const pkcs8 = (await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(accountId) }, key, pkcs8)
  return { publicKeyPem: pem('PUBLIC KEY', spki), privateKeyEncrypted: `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}` }
}

/** The signing key of a local account, for federation (RSASSA-PKCS1-v1_5 SHA-256, non-extractable). */
export async function accountSigningKey(env: Pick<Env, 'HERD_KEK'>, db: Db, accountId: string): Promise<CryptoKey> {
  const row = await db.selectFrom('account_keys').select('private_key_encrypted').where('account_id', '=', accountId).executeTakeFirst()
  if (row === undefined) throw new Error(`no key for account ${accountId}`)
  const [version, iv, sealed] = row.private_key_encrypted.split('.')
  if (version !== 'v1' || iv === undefined || sealed === undefined) throw new Error('unknown private key format')
  const pkcs8 = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: new TextEncoder().encode(accountId) }, await kek(env), fromBase64(sealed))
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
}
