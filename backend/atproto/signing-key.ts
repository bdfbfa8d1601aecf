import { Secp256k1Keypair } from '@atproto/crypto'
import type { Env } from '../env'
import { openBytes, sealBytes } from '../crypto/seal'

/** A repository's signing key: the private bytes to hand to the RepoObject, and the sealed form it stores. */
export interface RepoSigningKey {
  privateKey: Uint8Array<ArrayBuffer>
  sealed: string
}

/**
 * Makes a repository's secp256k1 signing key. The RepoObject stores only the sealed form (under
 * HERD_KEK, bound to the DID) and gets the opened key with each write, so no private key is ever at
 * rest unencrypted and the KEK stays out of the Durable Object.
 */
export async function newRepoSigningKey(env: Pick<Env, 'HERD_KEK'>, did: string): Promise<RepoSigningKey> {
  const keypair = await Secp256k1Keypair.create({ exportable: true })
  const privateKey = new Uint8Array(await keypair.export())
  return { privateKey, sealed: await sealBytes(env, privateKey, did) }
}

export function openRepoSigningKey(env: Pick<Env, 'HERD_KEK'>, did: string, sealed: string): Promise<Uint8Array<ArrayBuffer>> {
  return openBytes(env, sealed, did)
}
