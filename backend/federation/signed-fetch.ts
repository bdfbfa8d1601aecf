// Signed outbound requests: every GET and POST federation makes to another server carries an HTTP
// signature from a local actor's key and goes through safeFetch (address guard, one timeout, size cap).
// Keys come from D1, opened with HERD_KEK from the caller's own environment; nothing here is queued.
import { accountSigningKey } from '../auth/keys'
import type { Db } from '../db/client'
import type { Env } from '../env'
import { policyFromEnv, safeFetch, type FetchedResponse, type FetchPolicy } from './safe-fetch'
import { signRequest, type SignatureFormat } from './signatures'

/** Who signs: the key id peers resolve (`<actor uri>#main-key`) and the opened private key. */
export interface Signer {
  keyId: string
  privateKey: CryptoKey
  /** draft-cavage unless the peer is known to accept RFC 9421. */
  format?: SignatureFormat
}

export const ACTIVITY_JSON = 'application/activity+json'
/** What we ask for when fetching ActivityPub documents. */
export const ACTIVITY_ACCEPT = `${ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
/** Media types an ActivityPub document may come back as. */
export const ACTIVITY_TYPES = [ACTIVITY_JSON, 'application/ld+json', 'application/json']

const USER_AGENT = 'Herd/0.1 (ActivityPub)'
/** Inbox answers carry nothing we use; a small cap keeps a hostile peer from making us read much. */
const POST_RESPONSE_MAX_BYTES = 64 * 1024

export function keyIdOf(actorUri: string): string {
  return `${actorUri}#main-key`
}

/** The signer for a local account: its uri from D1 and its sealed key opened under HERD_KEK. */
export async function accountSigner(env: Pick<Env, 'HERD_KEK'>, db: Db, accountId: string): Promise<Signer> {
  const account = await db.selectFrom('accounts').select('uri').where('id', '=', accountId).where('domain', '=', '').executeTakeFirst()
  if (account === undefined) throw new Error(`no local account ${accountId}`)
  return { keyId: keyIdOf(account.uri), privateKey: await accountSigningKey(env, db, accountId) }
}

async function signedHeaders(url: string, method: 'GET' | 'POST', headers: Record<string, string>, body: string | null, signer: Signer): Promise<{ headers: Headers; body: string | null }> {
  const request = new Request(url, { method, headers: { 'user-agent': USER_AGENT, ...headers }, body })
  const signed = await signRequest(request, { keyId: signer.keyId, privateKey: signer.privateKey, format: signer.format ?? 'cavage' })
  return { headers: signed.headers, body }
}

/**
 * GET an ActivityPub document signed (authorized-fetch peers refuse unsigned reads). The answer must be an
 * ActivityPub media type unless the policy says otherwise. A redirect to another origin drops the signature
 * (safeFetch strips credentials); one on the same origin keeps it, and a strict peer may refuse that hop.
 */
export async function signedGet(env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS'>, url: string, signer: Signer, policy: FetchPolicy = {}): Promise<FetchedResponse> {
  const { headers } = await signedHeaders(url, 'GET', { accept: ACTIVITY_ACCEPT }, null, signer)
  return safeFetch(url, { method: 'GET', headers }, policyFromEnv(env, { accept: ACTIVITY_TYPES, ...policy }))
}

/**
 * POST an activity to an inbox, signed over `(request-target) host date digest`. Redirects are not followed:
 * a delivery goes to the inbox the actor published, and following one would turn the POST into a GET.
 * Returns the answer whatever its status; the caller decides what a failure means.
 */
export async function signedPost(env: Pick<Env, 'HERD_DEV_ALLOW_HOSTS'>, url: string, body: string, signer: Signer, policy: FetchPolicy = {}): Promise<FetchedResponse> {
  const signed = await signedHeaders(url, 'POST', { 'content-type': ACTIVITY_JSON, accept: ACTIVITY_ACCEPT }, body, signer)
  return safeFetch(url, { method: 'POST', headers: signed.headers, body: signed.body }, policyFromEnv(env, { maxRedirects: 0, maxBytes: POST_RESPONSE_MAX_BYTES, ...policy }))
}
