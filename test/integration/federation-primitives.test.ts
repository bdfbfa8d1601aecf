import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startStack, type Stack } from '../helpers/stack'
import * as v from '../harness/federation-vectors'

let stack: Stack
let server: Server
let target: string
beforeAll(async () => {
  stack = await startStack()
  server = createServer((req, res) => {
    if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/activity+json' })
      res.end('{"ok":true}')
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/json' })
      res.end()
    } else if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' })
      res.end()
    } else if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/activity+json' })
      res.end('x'.repeat(5000))
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await stack.dispose()
  await new Promise((r) => server.close(r))
})

describe('federation primitives inside workerd', () => {
  it('sign and verify with WebCrypto: published vectors and our own round trips', async () => {
    const res = await stack.harness('/federation/signatures', { method: 'POST' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      cavageC3Signature: v.CAVAGE_C3_SIGNATURE,
      cavageC3Verify: 'ok',
      rfcB23Verify: 'ok',
      rfcB26Verify: 'ok',
      rfcB26Signature: v.RFC_B2.b26.signature.replace('sig-b26', 'sig1'),
      roundTrip: {
        cavage: 'ok',
        'cavage-tampered': 'Digest does not match the body',
        rfc9421: 'ok',
        'rfc9421-tampered': 'Content-Digest does not match the body',
      },
      sanitized: '<p>ad</p>',
    })
  })

  it('safeFetch in workerd: refused without the setting, manual redirects re-checked, size cut', async () => {
    const res = await stack.harness('/federation/fetch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target, allow: new URL(target).host }) })
    const body = (await res.json()) as Record<string, Record<string, unknown> | string>
    expect(body.withoutSetting).toBe('only https is allowed')
    expect(body.json).toEqual({ url: `${target}/json`, status: 200, body: '{"ok":true}' })
    expect(body.redirected).toEqual({ url: `${target}/json`, status: 200, body: '{"ok":true}' })
    expect(body.toMetadata).toMatchObject({ refused: true, message: expect.stringContaining('169.254.169.254') })
    expect(body.big).toMatchObject({ refused: true, message: expect.stringContaining('larger than 1000 bytes') })
  })
})
