// did:plc operations (the did-method-plc spec): built, signed with the account's rotation key, and
// sent to the PLC directory. A DID is the hash of its signed genesis operation, so it is known before
// the directory has seen it.
import { Secp256k1Keypair } from '@atproto/crypto'
import { cborEncode, cidForLex } from '@atproto/lex-cbor'
import type { LexMap } from '@atproto/lex-data'
import type { Env } from '../env'
import { base64url } from '../auth/secrets'
import { HttpError } from '../http/errors'
import { FetchRefused, policyFromEnv, safeFetch } from '../federation/safe-fetch'

export const DEFAULT_PLC_URL = 'https://plc.directory'

export interface UnsignedPlcOperation {
  type: 'plc_operation'
  rotationKeys: string[]
  verificationMethods: { atproto: string }
  alsoKnownAs: string[]
  services: { atproto_pds: { type: 'AtprotoPersonalDataServer'; endpoint: string } }
  /** The CID of the operation this one follows; null for the genesis. */
  prev: string | null
}

export interface SignedPlcOperation extends UnsignedPlcOperation {
  /** base64url (no padding) of the rotation key's compact, low-S secp256k1 signature. */
  sig: string
}

export interface PlcState {
  /** did:key of the rotation key. */
  rotationKey: string
  /** did:key of the repository's signing key. */
  signingKey: string
  handle: string
  /** This host, as the atproto_pds service endpoint. */
  endpoint: string
}

export function unsignedOperation(state: PlcState, prev: string | null): UnsignedPlcOperation {
  return {
    type: 'plc_operation',
    rotationKeys: [state.rotationKey],
    verificationMethods: { atproto: state.signingKey },
    alsoKnownAs: [`at://${state.handle}`],
    services: { atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: state.endpoint } },
    prev,
  }
}

/** The signature covers the DAG-CBOR encoding of the operation without `sig`. */
export async function signOperation(op: UnsignedPlcOperation, rotationKey: Secp256k1Keypair): Promise<SignedPlcOperation> {
  const sig = await rotationKey.sign(cborEncode(op as unknown as LexMap))
  return { ...op, sig: base64url(sig) }
}

/** did:plc: + the first 24 characters of base32(sha256(DAG-CBOR of the signed genesis operation)). */
export async function plcDidOf(genesis: SignedPlcOperation): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(cborEncode(genesis as unknown as LexMap))))
  return `did:plc:${base32(digest).slice(0, 24)}`
}

/** The CID a following operation names as `prev`. */
export async function operationCid(op: SignedPlcOperation): Promise<string> {
  return (await cidForLex(op as unknown as LexMap)).toString()
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** RFC 4648 base32, lower case, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

export function plcUrl(env: Pick<Env, 'ATPROTO_PLC_URL'>): string {
  return (env.ATPROTO_PLC_URL ?? DEFAULT_PLC_URL).replace(/\/+$/, '')
}

/**
 * Sends a signed operation to the directory. A refusal or an unreachable directory is a 502 for the
 * person who asked: nothing has been stored yet, and they can try again.
 */
export async function submitOperation(env: Pick<Env, 'ATPROTO_PLC_URL' | 'HERD_DEV_ALLOW_HOSTS'>, did: string, op: SignedPlcOperation): Promise<void> {
  let res
  try {
    res = await safeFetch(
      `${plcUrl(env)}/${did}`,
      { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(op) },
      policyFromEnv(env, { maxBytes: 64 * 1024, maxRedirects: 0 }),
    )
  } catch (err) {
    const why = err instanceof FetchRefused ? err.reason : err instanceof Error ? err.message : String(err)
    throw new HttpError(502, `The PLC directory could not be reached: ${why}`)
  }
  if (res.status < 200 || res.status >= 300) {
    const text = new TextDecoder().decode(res.body).slice(0, 200)
    throw new HttpError(502, `The PLC directory refused the operation (${res.status}): ${text}`)
  }
}
