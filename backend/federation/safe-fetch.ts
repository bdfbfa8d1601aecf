// The only way federation code reaches other servers: SSRF-guarded, time-bounded, size-bounded fetch.
import { parseDevAllowHosts, urlProblem, type DevAllowHosts } from './address-guard'
import { readStreamLimited } from './bytes'

export interface FetchPolicy {
  /** Media types (no parameters) a successful answer must have; omit to accept any. */
  accept?: string[]
  /** Body bytes read before giving up. */
  maxBytes?: number
  timeoutMs?: number
  maxRedirects?: number
  /** From `HERD_DEV_ALLOW_HOSTS`; empty (nothing relaxed) unless a developer set it. */
  devAllowHosts?: DevAllowHosts
}

export const DEFAULT_MAX_BYTES = 1024 * 1024
export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_MAX_REDIRECTS = 3

/** A policy refusal (not a network failure): the target, a redirect, the type or the size was not allowed. */
export class FetchRefused extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused ${url}: ${reason}`)
  }
}

export interface FetchedResponse {
  /** The URL that answered, after redirects. */
  url: string
  status: number
  headers: Headers
  body: Uint8Array
}

export function policyFromEnv(env: { HERD_DEV_ALLOW_HOSTS?: string }, policy: FetchPolicy = {}): FetchPolicy {
  return { ...policy, devAllowHosts: parseDevAllowHosts(env.HERD_DEV_ALLOW_HOSTS) }
}

async function readLimited(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new FetchRefused(url, `body larger than ${maxBytes} bytes`)
  if (Number(response.headers.get('content-length') ?? NaN) > maxBytes) {
    await response.body?.cancel()
    throw tooLarge()
  }
  return readStreamLimited(response.body, maxBytes, tooLarge)
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'signature', 'signature-input']

/**
 * Fetches `url` under `policy`: every hop (the first and each redirect, at most `maxRedirects`) must pass the
 * address guard; the whole exchange shares one timeout; bodies are streamed and cut at `maxBytes`.
 * Throws FetchRefused for policy refusals; network errors and timeouts propagate as thrown by fetch.
 */
export async function safeFetch(url: string, init: RequestInit = {}, policy: FetchPolicy = {}): Promise<FetchedResponse> {
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_BYTES
  const maxRedirects = policy.maxRedirects ?? DEFAULT_MAX_REDIRECTS
  const timeout = AbortSignal.timeout(policy.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new FetchRefused(url, 'not a URL')
  }
  let method = (init.method ?? 'GET').toUpperCase()
  let body = init.body ?? null
  const headers = new Headers(init.headers)
  for (let hop = 0; ; hop++) {
    const problem = urlProblem(target, policy.devAllowHosts)
    if (problem) throw new FetchRefused(target.href, problem)
    const response = await fetch(target.href, { method, headers, body, redirect: 'manual', signal })
    if (REDIRECTS.has(response.status)) {
      await response.body?.cancel()
      const location = response.headers.get('location')
      if (location === null) throw new FetchRefused(target.href, 'redirect without Location')
      if (hop >= maxRedirects) throw new FetchRefused(target.href, `more than ${maxRedirects} redirects`)
      let next: URL
      try {
        next = new URL(location, target)
      } catch {
        throw new FetchRefused(target.href, 'redirect to a malformed URL')
      }
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET'
        body = null
      }
      // A signature or credential is for the origin it was made for.
      if (next.origin !== target.origin) for (const h of CREDENTIAL_HEADERS) headers.delete(h)
      target = next
      continue
    }
    if (response.ok && policy.accept) {
      const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      if (!policy.accept.includes(type)) {
        await response.body?.cancel()
        throw new FetchRefused(target.href, `content type ${type || 'none'} is not accepted`)
      }
    }
    return { url: target.href, status: response.status, headers: response.headers, body: await readLimited(response, target.href, maxBytes) }
  }
}
