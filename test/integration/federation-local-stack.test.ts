// Outbound delivery on the stack exactly as `npm start` runs it (wrangler pages dev, its own port and state):
// a fake peer on loopback sends a signed Follow over real HTTP, and the local account's signed Accept must
// come back through the queue. This is what needs the consumer to receive HERD_KEK and HERD_DEV_ALLOW_HOSTS.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { rmSync } from 'node:fs'
import { launch, migrateLocal, waitUntilReady, type LocalStack } from '../../scripts/local-stack'
import { signRequest, verifyRequest } from '../../backend/federation/signatures'
import { chooseUsername, signIn } from '../helpers/auth'
import { eventually, freePort, TEST_KEK, type Stack } from '../helpers/stack'

interface Received {
  path: string
  headers: Record<string, string>
  body: string
}


let local: LocalStack
let persist: string
let peer: Server
let peerOrigin: string
let peerKeys: CryptoKeyPair
const posts: Received[] = []

beforeAll(async () => {
  peerKeys = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const spki = Buffer.from((await crypto.subtle.exportKey('spki', peerKeys.publicKey)) as ArrayBuffer).toString('base64')
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`
  peer = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]))
      if (req.method === 'POST') {
        posts.push({ path: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') })
        res.writeHead(202).end()
        return
      }
      const actor = `${peerOrigin}/users/peer`
      if (req.url === '/users/peer') {
        res.writeHead(200, { 'content-type': 'application/activity+json' })
        res.end(
          JSON.stringify({
            '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
            id: actor,
            type: 'Person',
            preferredUsername: 'peer',
            inbox: `${actor}/inbox`,
            endpoints: { sharedInbox: `${peerOrigin}/inbox` },
            followers: `${actor}/followers`,
            publicKey: { id: `${actor}#main-key`, owner: actor, publicKeyPem: pem },
          }),
        )
        return
      }
      res.writeHead(404).end()
    })
  })
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r))
  peerOrigin = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`

  const port = await freePort()
  persist = `.wrangler/test-state-delivery-${port}`
  rmSync(persist, { recursive: true, force: true })
  await migrateLocal(persist)
  local = launch({ port, persist, stdio: 'ignore', bindings: { HERD_LOGIN: 'builtin', HERD_KEK: TEST_KEK, HERD_DEV_ALLOW_HOSTS: new URL(peerOrigin).host } })
  await waitUntilReady(local.url)
}, 180_000)

afterAll(async () => {
  local?.stop()
  await new Promise((r) => peer?.close(r))
  if (persist) rmSync(persist, { recursive: true, force: true })
})

it('a signed Follow over real HTTP comes back as bob\'s signed Accept, delivered by the consumer', async () => {
  const base = local.url
  const stack = { url: new URL(base), fetch: (path: string, init?: RequestInit) => fetch(base + path, { redirect: 'manual', ...init }) } as Stack
  const { browser } = await signIn(stack, 'bob@example.com', 'correct horse battery')
  expect((await chooseUsername(browser, 'bob')).status).toBe(303)
  const bob = `${base}/users/bob`

  const follow = JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id: `${peerOrigin}/follows/1`, type: 'Follow', actor: `${peerOrigin}/users/peer`, object: bob })
  const signed = await signRequest(new Request(`${bob}/inbox`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: follow }), {
    keyId: `${peerOrigin}/users/peer#main-key`,
    privateKey: peerKeys.privateKey,
    format: 'cavage',
  })
  const res = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: follow })
  expect(res.status).toBe(202)

  const accept = await eventually(async () => posts.find((p) => (JSON.parse(p.body) as { type?: string }).type === 'Accept'), 'the Accept', 600)
  expect(accept.path).toBe('/users/peer/inbox')
  expect(JSON.parse(accept.body)).toMatchObject({ type: 'Accept', actor: bob, object: { id: `${peerOrigin}/follows/1`, type: 'Follow', object: bob } })
  // Verified with the key bob publishes.
  const person = (await (await fetch(bob, { headers: { accept: 'application/activity+json' } })).json()) as { publicKey: { publicKeyPem: string } }
  const request = new Request(peerOrigin + accept.path, { method: 'POST', headers: accept.headers, body: accept.body })
  const verified = await verifyRequest(request, new TextEncoder().encode(accept.body), async (keyId) =>
    keyId === `${bob}#main-key` ? { publicKeyPem: person.publicKey.publicKeyPem, ownerId: bob } : null,
  )
  expect(verified.components).toEqual(['@request-target', 'host', 'date', 'digest'])
}, 120_000)
