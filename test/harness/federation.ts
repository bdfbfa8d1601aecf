// Runs the federation primitives inside workerd, where production runs them: WebCrypto (RSA PKCS#1 v1.5,
// RSA-PSS, Ed25519), the signature library under nodejs_compat, fetch with manual redirects and streams.
import { importPrivateKeyPem } from '../../backend/federation/keys'
import { signRequest, verifyRequest, type KeyResolver } from '../../backend/federation/signatures'
import { sanitizeHtml } from '../../backend/federation/sanitize-html'
import { parseDevAllowHosts } from '../../backend/federation/address-guard'
import { FetchRefused, safeFetch } from '../../backend/federation/safe-fetch'
import * as v from './federation-vectors'
import type { Env } from '../../backend/env'
import { database } from '../../backend/db/client'
import { accountSigningKey } from '../../backend/auth/keys'
import { resolveRemote } from '../../backend/federation/resolve'

const utf8 = (s: string) => new TextEncoder().encode(s)

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

function sigParam(header: string | null): string {
  return /signature="([^"]+)"/.exec(header ?? '')?.[1] ?? ''
}

export async function signatureSelfCheck(): Promise<Record<string, unknown>> {
  const vectorKeys: KeyResolver = async (keyId) => {
    const pem = { Test: v.CAVAGE_PUBLIC_KEY, 'test-key-rsa-pss': v.RFC_RSA_PSS_PUBLIC_KEY, 'test-key-ed25519': v.RFC_ED25519_PUBLIC_KEY }[keyId]
    return pem ? { publicKeyPem: pem, ownerId: null } : null
  }
  const cavageReq = (extra: Record<string, string> = {}) => new Request(v.CAVAGE_REQUEST.url, { method: 'POST', headers: { ...v.CAVAGE_REQUEST.headers, ...extra }, body: v.CAVAGE_REQUEST.body })
  const rfcReq = (extra: Record<string, string>) => new Request(v.RFC_REQUEST.url, { method: 'POST', headers: { ...v.RFC_REQUEST.headers, ...extra }, body: v.RFC_REQUEST.body })

  const cavageKey = await importPrivateKeyPem(v.CAVAGE_PRIVATE_KEY)
  const c3 = await signRequest(cavageReq(), { keyId: 'Test', privateKey: cavageKey, format: 'cavage', components: ['@request-target', 'host', 'date', 'content-type', 'digest', 'content-length'] })
  const c3Header = `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="${v.CAVAGE_C3_SIGNATURE}"`

  const edKey = await importPrivateKeyPem(v.RFC_ED25519_PRIVATE_KEY, 'ed25519')
  const b26 = await signRequest(rfcReq({}), {
    keyId: 'test-key-ed25519',
    privateKey: edKey,
    format: 'rfc9421',
    components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
    now: new Date(v.RFC_CREATED * 1000),
    rfc9421Params: ['created', 'keyid'],
  })
  const rfcAt = { now: v.RFC_CREATED * 1000, requireCoverage: false }

  const pair = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer)
  const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----`
  const ownKeys: KeyResolver = async () => ({ publicKeyPem: pem, ownerId: 'https://a.example/users/alice' })
  const roundTrip: Record<string, string> = {}
  for (const format of ['cavage', 'rfc9421'] as const) {
    const signed = await signRequest(new Request('https://b.example/inbox', { method: 'POST', body: '{"type":"Like"}' }), { keyId: 'https://a.example/users/alice#main-key', privateKey: pair.privateKey, format })
    roundTrip[format] = await outcome(verifyRequest(signed, utf8('{"type":"Like"}'), ownKeys))
    roundTrip[`${format}-tampered`] = await outcome(verifyRequest(new Request(signed, { body: '{"type":"Block"}' }), utf8('{"type":"Block"}'), ownKeys))
  }

  return {
    cavageC3Signature: sigParam(c3.headers.get('signature')),
    cavageC3Verify: await outcome(verifyRequest(cavageReq({ signature: c3Header }), utf8(v.CAVAGE_REQUEST.body), vectorKeys, { now: v.CAVAGE_DATE_MS })),
    rfcB23Verify: await outcome(verifyRequest(rfcReq({ 'signature-input': v.RFC_B2.b23.input, signature: v.RFC_B2.b23.signature }), utf8(v.RFC_REQUEST.body), vectorKeys, rfcAt)),
    rfcB26Verify: await outcome(verifyRequest(rfcReq({ 'signature-input': v.RFC_B2.b26.input, signature: v.RFC_B2.b26.signature }), utf8(v.RFC_REQUEST.body), vectorKeys, rfcAt)),
    rfcB26Signature: b26.headers.get('signature'),
    roundTrip,
    sanitized: sanitizeHtml('<p onclick="x()">a<script>b</script><a href="jav&#x61;script:c">d</a></p>'),
  }
}

export async function fetchSelfCheck(target: string, allow: string): Promise<Record<string, unknown>> {
  const policy = { devAllowHosts: parseDevAllowHosts(allow), maxBytes: 1000, accept: ['application/activity+json'] }
  const result = async (url: string) => {
    try {
      const res = await safeFetch(url, {}, policy)
      return { url: res.url, status: res.status, body: new TextDecoder().decode(res.body) }
    } catch (err) {
      return { refused: err instanceof FetchRefused, message: err instanceof Error ? err.message : String(err) }
    }
  }
  return {
    withoutSetting: await safeFetch(`${target}/json`).then(
      () => 'fetched',
      (e: unknown) => (e instanceof FetchRefused ? e.reason : String(e)),
    ),
    json: await result(`${target}/json`),
    redirected: await result(`${target}/redirect`),
    toMetadata: await result(`${target}/to-metadata`),
    big: await result(`${target}/big`),
  }
}

/** Signs a request as a local account would (its sealed key, opened with HERD_KEK), for tests to send by hand. */
export async function signAsAccount(env: Env, body: { accountId: string; url: string; method?: string; body?: string; format?: 'cavage' | 'rfc9421'; keyId?: string; date?: string }): Promise<Record<string, string>> {
  const db = database(env.DB)
  const account = await db.selectFrom('accounts').select('uri').where('id', '=', body.accountId).executeTakeFirstOrThrow()
  const privateKey = await accountSigningKey(env, db, body.accountId)
  const headers: Record<string, string> = body.body === undefined ? {} : { 'content-type': 'application/activity+json' }
  if (body.date) headers.date = body.date
  const request = new Request(body.url, { method: body.method ?? 'POST', headers, body: body.body ?? null })
  const signed = await signRequest(request, { keyId: body.keyId ?? `${account.uri}#main-key`, privateKey, format: body.format ?? 'cavage' })
  const out: Record<string, string> = {}
  signed.headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

export async function resolveForTest(env: Env, query: string): Promise<{ accountIds: string[]; statusIds: string[] }> {
  return resolveRemote(env, database(env.DB), query)
}
