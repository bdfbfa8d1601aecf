// HTTP Signatures for federation traffic, in both formats peers use:
// - draft-cavage-http-signatures-12 (`Signature` header), what Mastodon and most of the Fediverse speak;
// - RFC 9421 (`Signature-Input` + `Signature`), for peers that accept it.
// Signature bases come from the http-message-signatures package; every cryptographic operation is WebCrypto,
// so the same code runs in workerd and in Node. We import the package's per-format modules, not its index,
// because the index pulls in its Node `crypto` signers, which we neither need nor want in a Worker bundle.
import * as cavage from 'http-message-signatures/lib/cavage'
import * as httpbis from 'http-message-signatures/lib/httpbis'
import type { Request as MessageRequest, SigningKey } from 'http-message-signatures/lib/types'
import { parseDictionary, serializeDictionary, isInnerList, type Dictionary } from 'structured-headers'
import { HttpError } from '../http/errors'
import { checkContentDigest, checkDigest, contentDigestHeader, digestHeader } from './digest'
import { algorithmOfKey, algorithmsFor, importVerifyKey, operationParams, readPublicKeyPem, type SignatureAlgorithm } from './keys'

export type SignatureFormat = 'cavage' | 'rfc9421'

/**
 * Freshness window for inbound signatures. One hour back covers queue lag between a peer signing and us
 * receiving (peers sign per attempt, so retries are fresh) and matches Mastodon's clock-skew margin; five
 * minutes forward tolerates NTP-level drift without letting a future-dated signature stretch the replay window.
 */
export const MAX_SIGNATURE_AGE_SECONDS = 3600
export const MAX_SIGNATURE_FUTURE_SECONDS = 300

export interface SignOptions {
  keyId: string
  privateKey: CryptoKey
  format: SignatureFormat
  /** Covered components; defaults to what Mastodon requires for the method. Names as in RFC 9421 (`@request-target` for cavage). */
  components?: string[]
  now?: Date
  /** RFC 9421 signature parameters to include, in order. Default created, keyid, alg. */
  rfc9421Params?: ('created' | 'keyid' | 'alg')[]
}

function messageOf(method: string, url: string, headers: Headers): MessageRequest {
  const record: Record<string, string> = {}
  headers.forEach((value, name) => {
    record[name.toLowerCase()] = value
  })
  // fetch() sets Host from the URL and Request objects may not carry it, so sign and verify the URL's authority.
  if (record.host === undefined) record.host = new URL(url).host
  return { method, url, headers: record }
}

async function bodyOf(request: Request): Promise<Uint8Array> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) return new Uint8Array()
  return new Uint8Array(await request.clone().arrayBuffer())
}

function signingKey(keyId: string, key: CryptoKey): SigningKey {
  const alg = algorithmOfKey(key)
  return {
    id: keyId,
    alg,
    sign: async (data) => Buffer.from(await crypto.subtle.sign(operationParams(alg), key, new Uint8Array(data))),
  }
}

/** Returns a copy of the request carrying Date, a body digest and a signature in the chosen format. */
export async function signRequest(request: Request, opts: SignOptions): Promise<Request> {
  const body = await bodyOf(request)
  const hasBody = body.length > 0
  const headers = new Headers(request.headers)
  const now = opts.now ?? new Date()
  if (!headers.has('date')) headers.set('date', now.toUTCString())
  const key = signingKey(opts.keyId, opts.privateKey)
  let signed: Record<string, string | string[]>
  if (opts.format === 'cavage') {
    if (hasBody) headers.set('digest', await digestHeader(body))
    const fields = opts.components ?? (hasBody ? ['@request-target', 'host', 'date', 'digest'] : ['@request-target', 'host', 'date'])
    signed = (await cavage.signMessage({ key, fields, params: ['keyid', 'alg'] }, messageOf(request.method, request.url, headers))).headers
  } else {
    if (hasBody) headers.set('content-digest', await contentDigestHeader(body))
    const fields = opts.components ?? ['@method', '@target-uri', '@authority', ...(hasBody ? ['content-digest'] : [])]
    const message = messageOf(request.method, request.url, headers)
    const params = opts.rfc9421Params ?? ['created', 'keyid', 'alg']
    signed = (await httpbis.signMessage({ key, fields, name: 'sig1', params, paramValues: { created: now } }, message)).headers
  }
  const out = new Headers(request.headers)
  for (const [name, value] of Object.entries(signed)) {
    if (name.toLowerCase() === 'host') continue
    out.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return new Request(request.url, { method: request.method, headers: out, body: hasBody ? body : null, redirect: 'manual' })
}

// ---------------------------------------------------------------------------------------------------------
// Verification

export interface ResolvedKey {
  publicKeyPem: string
  /** The actor that owns the key (publicKey.owner), when the key document says. */
  ownerId: string | null
}

/** Looks a key up by its id; `refresh` asks to bypass caches (the first attempt failed: the key may have rotated). */
export type KeyResolver = (keyId: string, opts: { refresh: boolean }) => Promise<ResolvedKey | null>

export interface VerifyOptions {
  /** Unix ms; tests pin it to the date of published vectors. */
  now?: number
  maxAgeSeconds?: number
  maxFutureSeconds?: number
  /**
   * Require the components Mastodon requires (target, authority, date or created, digest when there is a body).
   * Only the RFC test vectors turn this off: some of them cover nothing at all.
   */
  requireCoverage?: boolean
}

export interface VerifiedSignature {
  keyId: string
  ownerId: string | null
  format: SignatureFormat
  algorithm: SignatureAlgorithm
  /** Covered components, RFC 9421 names (`@request-target` for cavage's `(request-target)`). */
  components: string[]
}

function refuse(message: string): HttpError {
  return new HttpError(401, message)
}

interface ParsedSignature {
  format: SignatureFormat
  keyId: string
  /** The algorithm the signature says it uses; null when it leaves it to the key. */
  declared: string | null
  components: string[]
  created: number | null
  expires: number | null
  /** Headers to hand the library: only the one signature we verify. */
  headers: Record<string, string>
}

function parseCavage(value: string): Omit<ParsedSignature, 'headers' | 'format'> {
  const params = new Map<string, string>()
  // key="quoted value" pairs; values may hold commas and '=' (base64), so scan rather than split.
  const re = /\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)/gy
  let m: RegExpExecArray | null
  let consumed = 0
  while (consumed < value.length && (m = re.exec(value)) !== null) {
    if (m[0] === '') break
    const name = (m[1] ?? '').toLowerCase()
    if (params.has(name)) throw refuse('Malformed signature: repeated parameter')
    params.set(name, m[2] ?? m[3] ?? '')
    consumed = re.lastIndex
  }
  if (consumed < value.trim().length) throw refuse('Malformed signature header')
  const keyId = params.get('keyid')
  if (!keyId || !params.get('signature')) throw refuse('Malformed signature: keyId and signature are required')
  const headers = params.get('headers')
  const num = (s: string | undefined) => (s === undefined ? null : /^\d+$/.test(s) ? Number(s) : NaN)
  const created = num(params.get('created'))
  const expires = num(params.get('expires'))
  if (Number.isNaN(created) || Number.isNaN(expires)) throw refuse('Malformed signature: bad created/expires')
  return {
    keyId,
    declared: params.get('algorithm')?.toLowerCase() ?? null,
    // draft-cavage before version 11 defaulted to `date`; version 12 to `(created)`.
    components: (headers ?? (created !== null ? '(created)' : 'date'))
      .toLowerCase()
      .split(/\s+/)
      .filter((h) => h !== '')
      .map((h) => h.replace(/^\((.*)\)$/, '@$1')),
    created,
    expires,
  }
}

function parseRfc9421(inputHeader: string, signatureHeader: string): ParsedSignature {
  let inputs: Dictionary
  let signatures: Dictionary
  try {
    inputs = parseDictionary(inputHeader)
    signatures = parseDictionary(signatureHeader)
  } catch {
    throw refuse('Malformed Signature-Input or Signature header')
  }
  const first = [...inputs.entries()].find(([label]) => signatures.has(label))
  if (!first) throw refuse('No signature matches Signature-Input')
  const [label, input] = first
  const sig = signatures.get(label)
  if (!isInnerList(input) || sig === undefined || isInnerList(sig) || !(sig[0] instanceof ArrayBuffer)) {
    throw refuse('Malformed Signature-Input or Signature header')
  }
  const [items, params] = input
  const keyId = params.get('keyid')
  if (typeof keyId !== 'string' || keyId === '') throw refuse('Signature has no keyid')
  const alg = params.get('alg')
  const created = params.get('created')
  const expires = params.get('expires')
  if ((created !== undefined && typeof created !== 'number') || (expires !== undefined && typeof expires !== 'number')) {
    throw refuse('Malformed signature: bad created/expires')
  }
  const components = items.map(([name, itemParams]) => {
    if (typeof name !== 'string') throw refuse('Malformed covered component')
    return itemParams.size > 0 ? `${name};${[...itemParams.keys()].join(';')}` : name
  })
  return {
    format: 'rfc9421',
    keyId,
    declared: typeof alg === 'string' ? alg : null,
    components,
    created: created ?? null,
    expires: expires ?? null,
    headers: {
      'signature-input': serializeDictionary(new Map([[label, input]])),
      signature: serializeDictionary(new Map([[label, sig]])),
    },
  }
}

function parseSignature(request: Request): ParsedSignature {
  const input = request.headers.get('signature-input')
  const signature = request.headers.get('signature')
  if (input !== null && signature !== null) return parseRfc9421(input, signature)
  if (signature !== null) {
    const parsed = parseCavage(signature)
    // Spell out the covered headers so the library builds the base from the same list we checked.
    const listed = /(^|,)\s*headers\s*=/i.test(signature)
    const explicit = listed ? signature : `${signature},headers="${parsed.components.map((c) => c.replace(/^@(.*)$/, '($1)')).join(' ')}"`
    return { format: 'cavage', ...parsed, headers: { signature: explicit } }
  }
  throw refuse('Request is not signed')
}

/** Why the covered components are not enough for an inbound federation request, or null when they are. */
export function coverageProblem(format: SignatureFormat, components: string[], url: string, hasBody: boolean, hasCreated: boolean): string | null {
  const has = (c: string) => components.includes(c)
  if (format === 'cavage') {
    if (!has('@request-target')) return 'Signature must cover (request-target)'
    if (!has('host')) return 'Signature must cover host'
    if (!has('date') && !(has('@created') && hasCreated)) return 'Signature must cover date'
    if (hasBody && !has('digest')) return 'Signature must cover digest'
    return null
  }
  const targetCovered = has('@target-uri') || (has('@path') && (has('@query') || new URL(url).search === ''))
  if (!has('@method') || !targetCovered) return 'Signature must cover @method and @target-uri'
  if (!has('@authority') && !has('@target-uri')) return 'Signature must cover @authority'
  if (!hasCreated && !has('date')) return 'Signature must carry created or cover date'
  if (hasBody && !has('content-digest')) return 'Signature must cover content-digest'
  return null
}

const CAVAGE_ALGORITHMS: Record<string, SignatureAlgorithm[] | 'key'> = {
  'rsa-sha256': ['rsa-v1_5-sha256'],
  // hs2019 says "derive from the key"; for RSA keys Mastodon and others mean rsa-sha256, some PSS.
  hs2019: 'key',
  ed25519: ['ed25519'],
  'ecdsa-sha256': ['ecdsa-p256-sha256'],
}
const RFC_ALGORITHMS = new Set<string>(['rsa-v1_5-sha256', 'rsa-pss-sha512', 'ed25519', 'ecdsa-p256-sha256'])

/** The algorithms this signature may use, or an error for algorithms we do not accept (hmac, sha1, …). */
function allowedAlgorithms(parsed: ParsedSignature): SignatureAlgorithm[] | 'key' {
  if (parsed.declared === null) return 'key'
  if (parsed.format === 'cavage') {
    const algs = CAVAGE_ALGORITHMS[parsed.declared]
    if (!algs) throw refuse(`Unsupported signature algorithm ${parsed.declared}`)
    return algs
  }
  if (!RFC_ALGORITHMS.has(parsed.declared)) throw refuse(`Unsupported signature algorithm ${parsed.declared}`)
  return [parsed.declared as SignatureAlgorithm]
}

function checkFreshness(request: Request, parsed: ParsedSignature, options: VerifyOptions): void {
  const now = (options.now ?? Date.now()) / 1000
  const maxAge = options.maxAgeSeconds ?? MAX_SIGNATURE_AGE_SECONDS
  const maxFuture = options.maxFutureSeconds ?? MAX_SIGNATURE_FUTURE_SECONDS
  const times: number[] = []
  if (parsed.created !== null) times.push(parsed.created)
  if (parsed.components.includes('date')) {
    const date = Date.parse(request.headers.get('date') ?? '')
    if (Number.isNaN(date)) throw refuse('Signed Date header is missing or invalid')
    times.push(date / 1000)
  }
  for (const t of times) {
    if (now - t > maxAge) throw refuse('Signature has expired')
    if (t - now > maxFuture) throw refuse('Signature is dated in the future')
  }
  if (parsed.expires !== null && parsed.expires < now) throw refuse('Signature has expired')
}

async function checkBodyDigest(request: Request, parsed: ParsedSignature, body: Uint8Array): Promise<void> {
  const hasBody = body.length > 0
  const digest = request.headers.get('digest')
  const contentDigest = request.headers.get('content-digest')
  // A digest that is present is checked even if not covered: a mismatch means the body is not what was sent.
  if (digest !== null && !(await checkDigest(digest, body))) throw refuse('Digest does not match the body')
  if (contentDigest !== null && !(await checkContentDigest(contentDigest, body))) throw refuse('Content-Digest does not match the body')
  if (hasBody && digest === null && contentDigest === null && parsed.components.some((c) => c === 'digest' || c === 'content-digest')) {
    throw refuse('Signed digest header is missing')
  }
}

async function verifyWithKey(request: Request, parsed: ParsedSignature, resolved: ResolvedKey, options: VerifyOptions): Promise<SignatureAlgorithm | null> {
  const material = readPublicKeyPem(resolved.publicKeyPem)
  if (!material) return null
  const allowed = allowedAlgorithms(parsed)
  const candidates = algorithmsFor(material.type).filter((a) => allowed === 'key' || allowed.includes(a))
  if (candidates.length === 0) return null
  let used: SignatureAlgorithm | null = null
  const message = messageOf(request.method, request.url, request.headers)
  for (const [name, value] of Object.entries(parsed.headers)) message.headers[name] = value
  const verify = async (data: Buffer, signature: Buffer): Promise<boolean> => {
    for (const alg of candidates) {
      const key = await importVerifyKey(material, alg)
      if (key && (await crypto.subtle.verify(operationParams(alg), key, new Uint8Array(signature), new Uint8Array(data)))) {
        used = alg
        return true
      }
    }
    return false
  }
  const keyLookup = async () => ({ id: parsed.keyId, algs: parsed.declared && parsed.format === 'rfc9421' ? [parsed.declared] : undefined, verify })
  // The library's own time checks use the real clock; ours (checkFreshness) already ran with the configured
  // clock, so when a test pins `now` the library's are switched off with an unbounded tolerance.
  const notAfter = Math.floor((options.now ?? Date.now()) / 1000) + (options.maxFutureSeconds ?? MAX_SIGNATURE_FUTURE_SECONDS)
  try {
    const ok =
      parsed.format === 'cavage'
        ? await cavage.verifyMessage({ keyLookup, notAfter }, message)
        : await httpbis.verifyMessage({ keyLookup, notAfter, tolerance: options.now === undefined ? 0 : Number.MAX_SAFE_INTEGER }, message)
    return ok === true ? used : null
  } catch {
    // A covered header that is missing, a component the library cannot derive: not a valid signature.
    return null
  }
}

/**
 * Verifies an inbound request's signature (either format) against the exact body bytes the caller read.
 * Throws HttpError 401 when it is unsigned, malformed, stale, uses an unknown algorithm, covers too little,
 * has a digest mismatch, or does not verify with the key (even after one refresh of the key).
 * The caller must then bind `keyId`/`ownerId` to the activity's actor (see actor-binding.ts).
 */
export async function verifyRequest(request: Request, body: Uint8Array, resolveKey: KeyResolver, options: VerifyOptions = {}): Promise<VerifiedSignature> {
  const parsed = parseSignature(request)
  allowedAlgorithms(parsed)
  if (options.requireCoverage !== false) {
    const problem = coverageProblem(parsed.format, parsed.components, request.url, body.length > 0, parsed.created !== null)
    if (problem) throw refuse(problem)
  }
  checkFreshness(request, parsed, options)
  await checkBodyDigest(request, parsed, body)
  for (const refresh of [false, true]) {
    let resolved: ResolvedKey | null
    try {
      resolved = await resolveKey(parsed.keyId, { refresh })
    } catch {
      // An unreachable or refused key document leaves the request unauthenticated, not our server broken.
      throw refuse('Could not fetch the signing key')
    }
    if (!resolved) continue
    const algorithm = await verifyWithKey(request, parsed, resolved, options)
    if (algorithm) return { keyId: parsed.keyId, ownerId: resolved.ownerId, format: parsed.format, algorithm, components: parsed.components }
  }
  throw refuse('Signature does not verify')
}

