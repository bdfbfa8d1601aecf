import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseDevAllowHosts, urlProblem } from '../../../backend/federation/address-guard'
import { FetchRefused, policyFromEnv, safeFetch } from '../../../backend/federation/safe-fetch'

describe('address guard', () => {
  it.each([
    ['http://example.com/', /only https/],
    ['ftp://example.com/', /scheme/],
    ['https://user:pw@example.com/', /credentials/],
    ['https://127.0.0.1/', /loopback/],
    ['https://0x7f.1/', /loopback/],
    ['https://2130706433/', /loopback/],
    ['https://0.0.0.0/', /this-network/],
    ['https://10.1.2.3/', /private/],
    ['https://172.16.0.1/', /private/],
    ['https://172.31.255.255/', /private/],
    ['https://192.168.1.1/', /private/],
    ['https://100.64.0.1/', /CGNAT/],
    ['https://100.127.255.255/', /CGNAT/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://224.0.0.1/', /multicast/],
    ['https://255.255.255.255/', /multicast or reserved/],
    ['https://[::1]/', /loopback/],
    ['https://[::]/', /unspecified/],
    ['https://[fc00::1]/', /unique-local/],
    ['https://[fd12:3456::1]/', /unique-local/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[::ffff:127.0.0.1]/', /IPv4-mapped/],
    ['https://[::ffff:8.8.8.8]/', /IPv4-mapped/],
    ['https://[64:ff9b::a00:1]/', /NAT64/],
    ['https://[ff02::1]/', /multicast/],
    ['https://localhost/', /local host name/],
    ['https://LOCALHOST./', /local host name/],
    ['https://a.localhost/', /local host name/],
    ['https://printer.local/', /local host name/],
    ['https://metadata.google.internal/', /local host name/],
    ['https://intranet/', /single-label/],
  ])('refuse %s', (url, reason) => {
    expect(urlProblem(new URL(url))).toMatch(reason)
  })

  it.each(['https://mastodon.social/users/a', 'https://8.8.8.8/', 'https://[2606:4700::1111]/', 'https://172.32.0.1/', 'https://example.com:8443/x'])('allow %s', (url) => {
    expect(urlProblem(new URL(url))).toBeNull()
  })

  it('relax only the exact host:port pairs of the development allowlist', () => {
    const allow = parseDevAllowHosts('127.0.0.1:8788, localhost:8791,junk,http://x:1')
    expect([...allow]).toEqual(['127.0.0.1:8788', 'localhost:8791'])
    expect(urlProblem(new URL('http://127.0.0.1:8788/inbox'), allow)).toBeNull()
    expect(urlProblem(new URL('http://localhost:8791/'), allow)).toBeNull()
    expect(urlProblem(new URL('http://127.0.0.1:8789/'), allow)).toMatch(/https/)
    expect(urlProblem(new URL('https://127.0.0.1/'), allow)).toMatch(/loopback/)
    expect(urlProblem(new URL('http://127.0.0.1:8788/'), parseDevAllowHosts(undefined))).toMatch(/https/)
    expect(policyFromEnv({}).devAllowHosts?.size).toBe(0)
  })
})

describe('safeFetch against a local server', () => {
  let server: Server
  let other: Server
  let base: string
  let otherBase: string
  const otherSignatures: (string | undefined)[] = []
  const seen: { url: string; signature: string | undefined; method: string }[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', signature: req.headers.signature as string | undefined, method: req.method ?? '' })
      const u = new URL(req.url ?? '/', 'http://x')
      const hops = Number(u.searchParams.get('n') ?? 0)
      if (u.pathname === '/json') {
        res.writeHead(200, { 'content-type': 'application/activity+json; charset=utf-8' })
        res.end('{"ok":true}')
      } else if (u.pathname === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<p>hi</p>')
      } else if (u.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'application/activity+json' })
        // No content-length: the limit must cut the stream, not trust a header.
        for (let i = 0; i < 64; i++) res.write('x'.repeat(1024))
        res.end()
      } else if (u.pathname === '/chain') {
        res.writeHead(302, { location: hops > 0 ? `/chain?n=${hops - 1}` : '/json' })
        res.end()
      } else if (u.pathname === '/to-other') {
        res.writeHead(301, { location: `${otherBase}/json` })
        res.end()
      } else if (u.pathname === '/to-metadata') {
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data' })
        res.end()
      } else if (u.pathname === '/see-other') {
        res.writeHead(303, { location: '/json' })
        res.end()
      } else if (u.pathname === '/hang') {
        // never answers
      } else {
        res.writeHead(404)
        res.end()
      }
    })
    other = createServer((req, res) => {
      otherSignatures.push(req.headers.signature as string | undefined)
      res.writeHead(200, { 'content-type': 'application/activity+json' })
      res.end('{"other":true}')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
    await new Promise((r) => other.close(r))
  })

  const only = () => ({ devAllowHosts: parseDevAllowHosts(new URL(base).host) })
  const both = () => ({ devAllowHosts: parseDevAllowHosts(`${new URL(base).host},${new URL(otherBase).host}`) })

  it('refuse the local server with the development setting off', async () => {
    await expect(safeFetch(`${base}/json`)).rejects.toThrow(FetchRefused)
    await expect(safeFetch(`${base}/json`, {}, policyFromEnv({}))).rejects.toThrow(/only https/)
    expect(seen).toHaveLength(0)
  })

  it('fetch an allowed host and check the content type', async () => {
    const res = await safeFetch(`${base}/json`, {}, { ...only(), accept: ['application/activity+json'] })
    expect(new TextDecoder().decode(res.body)).toBe('{"ok":true}')
    await expect(safeFetch(`${base}/html`, {}, { ...only(), accept: ['application/activity+json'] })).rejects.toThrow(/content type text\/html/)
  })

  it('cut a body at the size limit', async () => {
    await expect(safeFetch(`${base}/big`, {}, { ...only(), maxBytes: 10_000 })).rejects.toThrow(/larger than 10000/)
    expect((await safeFetch(`${base}/big`, {}, { ...only(), maxBytes: 100_000 })).body.length).toBe(65536)
  })

  it('follow up to 3 redirects, re-checking every hop', async () => {
    expect((await safeFetch(`${base}/chain?n=2`, {}, only())).url).toBe(`${base}/json`)
    await expect(safeFetch(`${base}/chain?n=3`, {}, only())).rejects.toThrow(/more than 3 redirects/)
    await expect(safeFetch(`${base}/to-metadata`, {}, only())).rejects.toThrow(/only https/)
    // another local port that is not in the allowlist is refused at the redirect, though the first hop was fine
    await expect(safeFetch(`${base}/to-other`, {}, only())).rejects.toThrow(/only https/)
  })

  it('drop signatures on a cross-origin redirect and turn 303 into GET', async () => {
    const res = await safeFetch(`${base}/to-other`, { headers: { signature: 'keyId="k"' } }, both())
    expect(new TextDecoder().decode(res.body)).toBe('{"other":true}')
    expect(otherSignatures).toEqual([undefined])
    seen.length = 0
    await safeFetch(`${base}/see-other`, { method: 'POST', body: 'x' }, only())
    expect(seen.map((s) => s.method)).toEqual(['POST', 'GET'])
  })

  it('give up after the timeout', async () => {
    await expect(safeFetch(`${base}/hang`, {}, { ...only(), timeoutMs: 200 })).rejects.toThrow(/abort|timeout/i)
    const caller = new AbortController()
    const pending = safeFetch(`${base}/hang`, { signal: caller.signal }, only())
    caller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
  })
})
