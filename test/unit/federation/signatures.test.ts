import { importPrivateKeyPem } from '../../../backend/federation/keys'
import { signRequest, verifyRequest, type KeyResolver, type ResolvedKey } from '../../../backend/federation/signatures'
import * as v from '../../harness/federation-vectors'

const utf8 = (s: string) => new TextEncoder().encode(s)

function request(spec: { url: string; method: string; headers: Record<string, string>; body: string }, extra: Record<string, string> = {}, body = spec.body): Request {
  return new Request(spec.url, { method: spec.method, headers: { ...spec.headers, ...extra }, body })
}

function resolver(keys: Record<string, string>, owner: string | null = null): KeyResolver & { calls: [string, boolean][] } {
  const calls: [string, boolean][] = []
  const fn = async (keyId: string, { refresh }: { refresh: boolean }): Promise<ResolvedKey | null> => {
    calls.push([keyId, refresh])
    const pem = keys[keyId]
    return pem ? { publicKeyPem: pem, ownerId: owner } : null
  }
  return Object.assign(fn, { calls })
}

function sigParam(header: string | null): string {
  return /signature="([^"]+)"/.exec(header ?? '')?.[1] ?? ''
}

describe('draft-cavage Appendix C', () => {
  const keys = resolver({ Test: v.CAVAGE_PUBLIC_KEY })
  const at = { now: v.CAVAGE_DATE_MS }

  it.each([
    ['C.1 default', ['date'], v.CAVAGE_C1_SIGNATURE],
    ['C.2 basic', ['@request-target', 'host', 'date'], v.CAVAGE_C2_SIGNATURE],
    ['C.3 all headers', ['@request-target', 'host', 'date', 'content-type', 'digest', 'content-length'], v.CAVAGE_C3_SIGNATURE],
  ])('%s: produce the published rsa-sha256 signature', async (_name, components, expected) => {
    const privateKey = await importPrivateKeyPem(v.CAVAGE_PRIVATE_KEY)
    const signed = await signRequest(request(v.CAVAGE_REQUEST), { keyId: 'Test', privateKey, format: 'cavage', components })
    expect(sigParam(signed.headers.get('signature'))).toBe(expected)
    expect(signed.headers.get('signature')).toContain('algorithm="rsa-sha256"')
    expect(signed.headers.get('digest')).toBe(v.CAVAGE_REQUEST.headers.digest)
  })

  it('C.3: verify the published signature, with the Mastodon coverage rules', async () => {
    const sig = `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="${v.CAVAGE_C3_SIGNATURE}"`
    const got = await verifyRequest(request(v.CAVAGE_REQUEST, { signature: sig }), utf8(v.CAVAGE_REQUEST.body), keys, at)
    expect(got).toMatchObject({ keyId: 'Test', format: 'cavage', algorithm: 'rsa-v1_5-sha256' })
  })

  it('C.1 and C.2: verify the published signatures; refuse them under the coverage rules (no target / no digest)', async () => {
    const c1 = `keyId="Test",algorithm="rsa-sha256",signature="${v.CAVAGE_C1_SIGNATURE}"`
    const c2 = `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="${v.CAVAGE_C2_SIGNATURE}"`
    const body = utf8(v.CAVAGE_REQUEST.body)
    for (const sig of [c1, c2]) {
      await expect(verifyRequest(request(v.CAVAGE_REQUEST, { signature: sig }), body, keys, { ...at, requireCoverage: false })).resolves.toMatchObject({ keyId: 'Test' })
      await expect(verifyRequest(request(v.CAVAGE_REQUEST, { signature: sig }), body, keys, at)).rejects.toMatchObject({ status: 401 })
    }
  })

  it('refuse the C.3 signature once the body, a header or the clock changes', async () => {
    const sig = `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="${v.CAVAGE_C3_SIGNATURE}"`
    const body = utf8(v.CAVAGE_REQUEST.body)
    // tampered body: digest mismatch
    await expect(verifyRequest(request(v.CAVAGE_REQUEST, { signature: sig }, '{"hello": "world!"}'), utf8('{"hello": "world!"}'), keys, at)).rejects.toThrow(/Digest/)
    // tampered signed header
    await expect(verifyRequest(request(v.CAVAGE_REQUEST, { signature: sig, 'content-type': 'text/plain' }), body, keys, at)).rejects.toThrow(/does not verify/)
    // expired: the real clock is years past 2014
    await expect(verifyRequest(request(v.CAVAGE_REQUEST, { signature: sig }), body, keys)).rejects.toThrow(/expired/)
    // unknown algorithm
    const hmac = sig.replace('rsa-sha256', 'hmac-sha256')
    await expect(verifyRequest(request(v.CAVAGE_REQUEST, { signature: hmac }), body, keys, at)).rejects.toThrow(/Unsupported signature algorithm/)
  })
})

describe('RFC 9421 Appendix B', () => {
  const keys = resolver({ 'test-key-rsa-pss': v.RFC_RSA_PSS_PUBLIC_KEY, 'test-key-ed25519': v.RFC_ED25519_PUBLIC_KEY })
  const at = { now: v.RFC_CREATED * 1000, requireCoverage: false }
  const body = utf8(v.RFC_REQUEST.body)

  it.each(['b21', 'b22', 'b23', 'b26'] as const)('B.2 %s: verify the published signature', async (name) => {
    const { input, signature } = v.RFC_B2[name]
    const got = await verifyRequest(request(v.RFC_REQUEST, { 'signature-input': input, signature }), body, keys, at)
    expect(got.format).toBe('rfc9421')
    expect(got.algorithm).toBe(name === 'b26' ? 'ed25519' : 'rsa-pss-sha512')
  })

  it('B.2.6: produce the published ed25519 signature (Ed25519 is deterministic)', async () => {
    const privateKey = await importPrivateKeyPem(v.RFC_ED25519_PRIVATE_KEY, 'ed25519')
    const signed = await signRequest(request(v.RFC_REQUEST), {
      keyId: 'test-key-ed25519',
      privateKey,
      format: 'rfc9421',
      components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
      now: new Date(v.RFC_CREATED * 1000),
      rfc9421Params: ['created', 'keyid'],
    })
    expect(signed.headers.get('signature-input')).toBe(v.RFC_B2.b26.input.replace('sig-b26', 'sig1'))
    expect(signed.headers.get('signature')).toBe(v.RFC_B2.b26.signature.replace('sig-b26', 'sig1'))
  })

  it('refuse a tampered B.2.3 request and an unknown alg', async () => {
    const { input, signature } = v.RFC_B2.b23
    await expect(verifyRequest(request(v.RFC_REQUEST, { 'signature-input': input, signature, 'content-type': 'text/plain' }), body, keys, at)).rejects.toThrow(/does not verify/)
    await expect(verifyRequest(request(v.RFC_REQUEST, { 'signature-input': input, signature }, 'x'), utf8('x'), keys, at)).rejects.toThrow(/Content-Digest/)
    const hmac = input + ';alg="hmac-sha256"'
    await expect(verifyRequest(request(v.RFC_REQUEST, { 'signature-input': hmac, signature }), body, keys, at)).rejects.toThrow(/Unsupported/)
  })
})

describe('signing and verifying our own requests', () => {
  let rsa: CryptoKeyPair
  let pem: string
  beforeAll(async () => {
    rsa = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const spki = new Uint8Array((await crypto.subtle.exportKey('spki', rsa.publicKey)) as ArrayBuffer)
    pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki).toString('base64')}\n-----END PUBLIC KEY-----`
  })
  const keyId = 'https://a.example/users/alice#main-key'
  const post = () => new Request('https://b.example/inbox', { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: '{"type":"Follow"}' })

  it.each(['cavage', 'rfc9421'] as const)('%s: POST and GET round-trip with Mastodon coverage', async (format) => {
    const keys = resolver({ [keyId]: pem }, 'https://a.example/users/alice')
    const signed = await signRequest(post(), { keyId, privateKey: rsa.privateKey, format })
    const body = new Uint8Array(await signed.clone().arrayBuffer())
    await expect(verifyRequest(signed, body, keys)).resolves.toMatchObject({ keyId, ownerId: 'https://a.example/users/alice', format, algorithm: 'rsa-v1_5-sha256' })
    if (format === 'cavage') {
      expect(signed.headers.get('signature')).toContain('headers="(request-target) host date digest"')
      expect(signed.headers.get('digest')).toMatch(/^SHA-256=/)
    } else {
      expect(signed.headers.get('signature-input')).toMatch(/^sig1=\("@method" "@target-uri" "@authority" "content-digest"\);created=\d+;keyid="[^"]+";alg="rsa-v1_5-sha256"$/)
    }
    const get = await signRequest(new Request('https://b.example/users/bob'), { keyId, privateKey: rsa.privateKey, format })
    if (format === 'cavage') expect(get.headers.get('signature')).toContain('headers="(request-target) host date"')
    await expect(verifyRequest(get, new Uint8Array(), keys)).resolves.toMatchObject({ keyId })
  })

  it.each(['cavage', 'rfc9421'] as const)('%s: refuse a missing digest, a stale or future date', async (format) => {
    const keys = resolver({ [keyId]: pem })
    const signed = await signRequest(post(), { keyId, privateKey: rsa.privateKey, format })
    const body = new Uint8Array(await signed.clone().arrayBuffer())
    const stripped = new Request(signed, { headers: new Headers([...signed.headers].filter(([n]) => n !== 'digest' && n !== 'content-digest')) })
    await expect(verifyRequest(stripped, body, keys)).rejects.toMatchObject({ status: 401 })
    await expect(verifyRequest(signed, body, keys, { now: Date.now() + 3601_000 })).rejects.toThrow(/expired/)
    await expect(verifyRequest(signed, body, keys, { now: Date.now() - 301_000 })).rejects.toThrow(/future/)
    // A GET signed without covering the body cannot be reused with one.
    const get = await signRequest(new Request('https://b.example/inbox', { method: 'POST' }), { keyId, privateKey: rsa.privateKey, format })
    const withBody = new Request(get.url, { method: 'POST', headers: get.headers, body: 'x' })
    await expect(verifyRequest(withBody, utf8('x'), keys)).rejects.toThrow(/digest/)
  })

  it('retry once with refresh when the cached key is stale (key rotation), and refuse an unknown key', async () => {
    const other = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
    const otherSpki = new Uint8Array((await crypto.subtle.exportKey('spki', other.publicKey)) as ArrayBuffer)
    const stalePem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(otherSpki).toString('base64')}\n-----END PUBLIC KEY-----`
    const calls: boolean[] = []
    const rotating: KeyResolver = async (_id, { refresh }) => {
      calls.push(refresh)
      return { publicKeyPem: refresh ? pem : stalePem, ownerId: null }
    }
    const signed = await signRequest(post(), { keyId, privateKey: rsa.privateKey, format: 'cavage' })
    const body = new Uint8Array(await signed.clone().arrayBuffer())
    await expect(verifyRequest(signed, body, rotating)).resolves.toMatchObject({ keyId })
    expect(calls).toEqual([false, true])
    const failing: KeyResolver = async () => {
      throw new Error('network down')
    }
    await expect(verifyRequest(signed, body, failing)).rejects.toMatchObject({ status: 401, message: 'Could not fetch the signing key' })
    const none = resolver({})
    await expect(verifyRequest(signed, body, none)).rejects.toThrow(/does not verify/)
    expect(none.calls).toEqual([[keyId, false], [keyId, true]])
  })

  it('refuse unsigned and malformed signature headers', async () => {
    const keys = resolver({ [keyId]: pem })
    await expect(verifyRequest(post(), utf8('{"type":"Follow"}'), keys)).rejects.toThrow(/not signed/)
    const bad = new Request('https://b.example/inbox', { headers: { signature: 'garbage' } })
    await expect(verifyRequest(bad, new Uint8Array(), keys)).rejects.toMatchObject({ status: 401 })
    const badInput = new Request('https://b.example/inbox', { headers: { signature: 'sig1=:AAAA:', 'signature-input': 'sig1=("@method"' } })
    await expect(verifyRequest(badInput, new Uint8Array(), keys)).rejects.toMatchObject({ status: 401 })
  })
})
