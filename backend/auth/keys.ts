import type { Db } from '../db/client'
import type { Env } from '../env'
import { openBytes, sealBytes } from '../crypto/seal'

/** A local account's signing key pair: the public PEM for the accounts row, the private key sealed. */
export interface SealedKeyPair {
  publicKeyPem: string
  privateKeyEncrypted: string
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)))
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

/** RSA-2048 for HTTP signatures; the private key is encrypted under HERD_KEK with the account id bound in. */
export async function generateAccountKeys(env: Pick<Env, 'HERD_KEK'>, accountId: string): Promise<SealedKeyPair> {
  const pair = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair
  const spki = (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer
  const pkcs8 = (await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer
  return { publicKeyPem: pem('PUBLIC KEY', spki), privateKeyEncrypted: await sealBytes(env, pkcs8, accountId) }
}

/** The signing key of a local account, for federation (RSASSA-PKCS1-v1_5 SHA-256, non-extractable). */
export async function accountSigningKey(env: Pick<Env, 'HERD_KEK'>, db: Db, accountId: string): Promise<CryptoKey> {
  const row = await db.selectFrom('account_keys').select('private_key_encrypted').where('account_id', '=', accountId).executeTakeFirst()
  if (row === undefined) throw new Error(`no key for account ${accountId}`)
  const pkcs8 = await openBytes(env, row.private_key_encrypted, accountId)
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
}
