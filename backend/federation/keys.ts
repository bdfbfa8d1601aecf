// PEM keys as remote actors publish them, turned into WebCrypto keys.
// Fediverse software publishes SPKI ("PUBLIC KEY"); a few old ones publish PKCS#1 ("RSA PUBLIC KEY"),
// and the draft-cavage test key is a PKCS#1 private key, so both are wrapped into the forms WebCrypto imports.
import { fromBase64 } from './bytes'

export type KeyType = 'rsa' | 'ed25519' | 'p256'

/** Algorithms we verify, named as RFC 9421 names them. Anything else is refused. */
export type SignatureAlgorithm = 'rsa-v1_5-sha256' | 'rsa-pss-sha512' | 'ed25519' | 'ecdsa-p256-sha256'

const RSA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
const RSA_PSS_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a]
const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70]
const EC_OID = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]
const P256_OID = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]

function derLength(n: number): number[] {
  if (n < 0x80) return [n]
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return [0x80 | bytes.length, ...bytes]
}

function der(tag: number, content: Uint8Array | number[]): Uint8Array {
  const body = content instanceof Uint8Array ? content : Uint8Array.from(content)
  const head = [tag, ...derLength(body.length)]
  const out = new Uint8Array(head.length + body.length)
  out.set(head)
  out.set(body, head.length)
  return out
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}

function contains(hay: Uint8Array, needle: number[], within = 40): boolean {
  outer: for (let i = 0; i + needle.length <= Math.min(hay.length, within + needle.length); i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

interface Pem {
  label: string
  der: Uint8Array
}

export function parsePem(pem: string): Pem | null {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem)
  if (!m || m[1] === undefined || m[2] === undefined) return null
  const bytes = fromBase64(m[2])
  return bytes && bytes.length > 0 ? { label: m[1], der: bytes } : null
}

const RSA_ALGORITHM_ID = der(0x30, concat(RSA_OID, [0x05, 0x00]))

function spkiFromPkcs1(pkcs1: Uint8Array): Uint8Array {
  return der(0x30, concat(RSA_ALGORITHM_ID, der(0x03, concat([0x00], pkcs1))))
}

function pkcs8FromPkcs1(pkcs1: Uint8Array): Uint8Array {
  return der(0x30, concat([0x02, 0x01, 0x00], RSA_ALGORITHM_ID, der(0x04, pkcs1)))
}

/** The key type of an SPKI or PKCS#8 structure, read from its algorithm identifier. */
function keyTypeOf(derBytes: Uint8Array): KeyType | null {
  if (contains(derBytes, RSA_OID) || contains(derBytes, RSA_PSS_OID)) return 'rsa'
  if (contains(derBytes, ED25519_OID)) return 'ed25519'
  if (contains(derBytes, EC_OID) && contains(derBytes, P256_OID)) return 'p256'
  return null
}

export interface PublicKeyMaterial {
  type: KeyType
  spki: Uint8Array
}

/** Reads a published public key. Returns null for anything we cannot use (refused, never thrown). */
export function readPublicKeyPem(pem: string): PublicKeyMaterial | null {
  const parsed = parsePem(pem)
  if (!parsed) return null
  const spki = parsed.label === 'RSA PUBLIC KEY' ? spkiFromPkcs1(parsed.der) : parsed.label === 'PUBLIC KEY' ? parsed.der : null
  if (!spki) return null
  const type = keyTypeOf(spki)
  return type ? { type, spki } : null
}

export function algorithmsFor(type: KeyType): SignatureAlgorithm[] {
  switch (type) {
    case 'rsa':
      return ['rsa-v1_5-sha256', 'rsa-pss-sha512']
    case 'ed25519':
      return ['ed25519']
    case 'p256':
      return ['ecdsa-p256-sha256']
  }
}

function importParams(alg: SignatureAlgorithm): SubtleCryptoImportKeyAlgorithm {
  switch (alg) {
    case 'rsa-v1_5-sha256':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    case 'rsa-pss-sha512':
      return { name: 'RSA-PSS', hash: 'SHA-512' }
    case 'ed25519':
      return { name: 'Ed25519' }
    case 'ecdsa-p256-sha256':
      return { name: 'ECDSA', namedCurve: 'P-256' }
  }
}

/** Parameters for crypto.subtle.sign/verify. PSS salt length is the hash length (RFC 9421 §3.3.1). */
export function operationParams(alg: SignatureAlgorithm): SubtleCryptoSignAlgorithm {
  switch (alg) {
    case 'rsa-v1_5-sha256':
      return { name: 'RSASSA-PKCS1-v1_5' }
    case 'rsa-pss-sha512':
      return { name: 'RSA-PSS', saltLength: 64 }
    case 'ed25519':
      return { name: 'Ed25519' }
    case 'ecdsa-p256-sha256':
      return { name: 'ECDSA', hash: 'SHA-256' }
  }
}

export async function importVerifyKey(material: PublicKeyMaterial, alg: SignatureAlgorithm): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.importKey('spki', material.spki, importParams(alg), false, ['verify'])
  } catch {
    return null
  }
}

/** Imports a PEM private key ("PRIVATE KEY" PKCS#8 or "RSA PRIVATE KEY" PKCS#1) for signing. */
export async function importPrivateKeyPem(pem: string, alg: SignatureAlgorithm = 'rsa-v1_5-sha256'): Promise<CryptoKey> {
  const parsed = parsePem(pem)
  if (!parsed) throw new Error('not a PEM private key')
  const pkcs8 = parsed.label === 'RSA PRIVATE KEY' ? pkcs8FromPkcs1(parsed.der) : parsed.der
  return crypto.subtle.importKey('pkcs8', pkcs8, importParams(alg), false, ['sign'])
}

/** The algorithm a signing key produces: RSA keys sign rsa-v1_5-sha256 unless imported for PSS. */
export function algorithmOfKey(key: CryptoKey): SignatureAlgorithm {
  switch (key.algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
      return 'rsa-v1_5-sha256'
    case 'RSA-PSS':
      return 'rsa-pss-sha512'
    case 'Ed25519':
    case 'NODE-ED25519':
      return 'ed25519'
    case 'ECDSA':
      return 'ecdsa-p256-sha256'
    default:
      throw new Error(`unsupported signing key algorithm ${key.algorithm.name}`)
  }
}
