// Web Push end to end: the subscription API, the queue, encryption to the subscriber's key and
// the VAPID signature, checked by a fake push service on loopback that decrypts like a browser.
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eventually, startStack, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
}

let stack: Stack
let server: Server
let pushOrigin = ''
const received: Received[] = []
/** Status codes to answer with, per path, in order; then 201. */
const script = new Map<string, number[]>()

let alice: { token: string; accountId: string }
let bob: { token: string; accountId: string }
let carol: { token: string; accountId: string }
let carolPush: { token: string; accountId: string }
let instanceKey = ''

const b64u = (b: Buffer) => b.toString('base64url')

function browserKeys() {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return { ecdh, p256dh: b64u(ecdh.getPublicKey()), auth: randomBytes(16) }
}

/** RFC 8291 decryption as a user agent does it, written here from the RFC with Node's primitives. */
function decryptAes128gcm(body: Buffer, keys: ReturnType<typeof browserKeys>): string {
  const salt = body.subarray(0, 16)
  const rs = body.readUInt32BE(16)
  const idlen = body[20] as number
  const asPublic = body.subarray(21, 21 + idlen)
  const ciphertext = body.subarray(21 + idlen)
  expect(idlen).toBe(65)
  expect(ciphertext.length).toBeLessThanOrEqual(rs)
  const uaPublic = keys.ecdh.getPublicKey()
  const ecdhSecret = keys.ecdh.computeSecret(asPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic])
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, keys.auth, keyInfo, 32))
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()])
  // The last record ends with the delimiter 0x02 and zero padding.
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  expect(padded[end]).toBe(2)
  return padded.subarray(0, end).toString('utf8')
}

async function subscribe(token: string, path: string, data: Record<string, unknown>, standard = true) {
  const keys = browserKeys()
  const res = await stack.fetch('/api/v1/push/subscription', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ subscription: { endpoint: `${pushOrigin}${path}`, keys: { p256dh: keys.p256dh, auth: b64u(keys.auth) }, standard }, data }),
  })
  return { res, keys, body: (await res.json()) as Record<string, unknown> }
}

async function notify(items: { accountId: string; fromAccountId: string; type: string; statusId?: string; key: string }[]) {
  const res = await stack.harness('/notifications/create', { method: 'POST', body: JSON.stringify({ items }) })
  expect(res.status).toBe(200)
}

async function notificationId(accountId: string, key: string): Promise<string> {
  const row = await stack.db.prepare('SELECT id FROM notifications WHERE account_id = ? AND dedupe_key = ?').bind(accountId, key).first<{ id: string }>()
  return row!.id
}

const to = (path: string) => received.filter((r) => r.path === path)

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? ''
      const planned = script.get(path)?.shift() ?? 201
      if (planned < 300) received.push({ path, headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(planned).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  pushOrigin = `http://127.0.0.1:${port}`
  stack = await startStack({ bindings: { HERD_DEV_ALLOW_HOSTS: `127.0.0.1:${port}` } })
  alice = await registeredUserToken(stack, 'alice', 'read write follow push')
  bob = await registeredUserToken(stack, 'bob', 'read write follow push')
  carol = await registeredUserToken(stack, 'carol', 'read write follow')
  carolPush = await registeredUserToken(stack, 'dave', 'read push')
  await stack.db.prepare("UPDATE accounts SET display_name = 'Bob Builder' WHERE id = ?").bind(bob.accountId).run()
  const instance = (await (await stack.fetch('/api/v2/instance')).json()) as { configuration: { vapid: { public_key: string } } }
  instanceKey = instance.configuration.vapid.public_key
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
  await new Promise((r) => server?.close(r))
})

describe('VAPID key', () => {
  it('is one P-256 public key, the same in both instance documents and the apps response', async () => {
    expect(Buffer.from(instanceKey, 'base64url')).toHaveLength(65)
    expect(Buffer.from(instanceKey, 'base64url')[0]).toBe(4)
    const v1 = (await (await stack.fetch('/api/v1/instance')).json()) as { configuration: { vapid: { public_key: string } } }
    expect(v1.configuration.vapid.public_key).toBe(instanceKey)
    const app = (await (
      await stack.fetch('/api/v1/apps', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_name: 'Pushy', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' }) })
    ).json()) as { vapid_key: string }
    expect(app.vapid_key).toBe(instanceKey)
  })
})

describe('the subscription API', () => {
  const validate = mastodonValidator('WebPushSubscription')

  it('creates, reads, updates and deletes the token\'s one subscription', async () => {
    const { res, body } = await subscribe(bob.token, '/bob/1', { alerts: { follow: true, mention: 'true' }, policy: 'all' })
    expect(res.status).toBe(200)
    expect(schemaErrors(validate, body)).toEqual([])
    expect(body).toMatchObject({ endpoint: `${pushOrigin}/bob/1`, standard: true, policy: 'all', server_key: instanceKey })
    expect(body.alerts).toMatchObject({ follow: true, mention: true, favourite: false, reblog: false })
    expect(String(body.id)).toMatch(/^\d+$/)

    const again = await subscribe(bob.token, '/bob/2', { alerts: { favourite: true } })
    expect(again.body.endpoint).toBe(`${pushOrigin}/bob/2`)
    const count = await stack.db.prepare('SELECT count(*) AS n FROM push_subscriptions WHERE account_id = ?').bind(bob.accountId).first<{ n: number }>()
    expect(count?.n).toBe(1)

    const put = await stack.fetch('/api/v1/push/subscription', {
      method: 'PUT',
      headers: { Authorization: `Bearer ${bob.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'data[alerts][reblog]=true&data[policy]=followed',
    })
    const updated = (await put.json()) as Record<string, unknown>
    expect(put.status).toBe(200)
    expect(schemaErrors(validate, updated)).toEqual([])
    expect(updated).toMatchObject({ policy: 'followed', alerts: expect.objectContaining({ reblog: true, favourite: true }) })

    const got = await stack.fetch('/api/v1/push/subscription', { headers: { Authorization: `Bearer ${bob.token}` } })
    expect(await got.json()).toEqual(updated)

    const del = await stack.fetch('/api/v1/push/subscription', { method: 'DELETE', headers: { Authorization: `Bearer ${bob.token}` } })
    expect(del.status).toBe(200)
    expect(await del.json()).toEqual({})
    const gone = await stack.fetch('/api/v1/push/subscription', { headers: { Authorization: `Bearer ${bob.token}` } })
    expect(gone.status).toBe(404)
    expect(await gone.json()).toEqual({ error: expect.any(String) })
  })

  it('needs the push scope', async () => {
    const res = await stack.fetch('/api/v1/push/subscription', { headers: { Authorization: `Bearer ${carol.token}` } })
    expect(res.status).toBe(403)
    expect(((await subscribe(carol.token, '/carol', {})).res.status)).toBe(403)
  })

  it.each([
    ['no endpoint', { subscription: { keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } } }],
    ['an endpoint that is not a URL', { subscription: { endpoint: 'push me', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } } }],
    ['a private address', { subscription: { endpoint: 'https://10.1.2.3/push', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } } }],
    ['plain http to a public host', { subscription: { endpoint: 'http://push.example/x', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } } }],
    ['a loopback host the setting does not allow', { subscription: { endpoint: 'http://127.0.0.1:1/x', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } } }],
    ['a short p256dh key', { subscription: { endpoint: 'https://push.example/x', keys: { p256dh: b64u(randomBytes(33)), auth: b64u(randomBytes(16)) } } }],
    ['an auth secret of the wrong size', { subscription: { endpoint: 'https://push.example/x', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(8)) } } }],
    ['an unknown policy', { subscription: { endpoint: 'https://push.example/x', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } }, data: { policy: 'friends' } }],
    ['an alert that is not a boolean', { subscription: { endpoint: 'https://push.example/x', keys: { p256dh: browserKeys().p256dh, auth: b64u(randomBytes(16)) } }, data: { alerts: { follow: 'maybe' } } }],
  ])('refuses %s with 422 and stores nothing', async (_what, body) => {
    const res = await stack.fetch('/api/v1/push/subscription', {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ error: expect.any(String) })
    const count = await stack.db.prepare('SELECT count(*) AS n FROM push_subscriptions WHERE account_id = ?').bind(alice.accountId).first<{ n: number }>()
    expect(count?.n).toBe(0)
  })

  it('answers PUT without a subscription with 404', async () => {
    const res = await stack.fetch('/api/v1/push/subscription', { method: 'PUT', headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(404)
  })
})

describe('sending', () => {
  it('pushes a notification encrypted to the subscriber (RFC 8291) with a VAPID JWT (RFC 8292)', async () => {
    const { keys } = await subscribe(alice.token, '/alice', { alerts: { follow: true, mention: true, favourite: false }, policy: 'all' })
    await notify([{ accountId: alice.accountId, fromAccountId: bob.accountId, type: 'follow', key: 'follow:1' }])
    const push = await eventually(async () => to('/alice')[0], 'the push to arrive')
    expect(push.headers['content-encoding']).toBe('aes128gcm')
    expect(Number(push.headers.ttl)).toBeGreaterThan(0)

    const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(push.headers.authorization))
    expect(auth).not.toBeNull()
    const [, jwt, k] = auth as RegExpExecArray
    expect(k).toBe(instanceKey)
    const point = Buffer.from(k as string, 'base64url')
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' })
    const [header, claims, signature] = (jwt as string).split('.') as [string, string, string]
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true)
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'JWT' })
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string }
    expect(payload.aud).toBe(pushOrigin)
    const now = Math.floor(Date.now() / 1000)
    expect(payload.exp).toBeGreaterThan(now)
    expect(payload.exp).toBeLessThanOrEqual(now + 24 * 3600)
    expect(payload.sub).toMatch(/^(mailto:|https:)/)

    const json = JSON.parse(decryptAes128gcm(push.body, keys)) as Record<string, unknown>
    expect(json).toEqual({
      access_token: alice.token,
      preferred_locale: expect.any(String),
      notification_id: await notificationId(alice.accountId, 'follow:1'),
      notification_type: 'follow',
      icon: expect.stringMatching(/^http/),
      title: 'Bob Builder followed you',
      body: expect.any(String),
    })
  })

  it('follows the alerts: a type switched off is not pushed', async () => {
    const before = to('/alice').length
    await notify([{ accountId: alice.accountId, fromAccountId: bob.accountId, type: 'favourite', key: 'favourite:1' }])
    await notify([{ accountId: alice.accountId, fromAccountId: bob.accountId, type: 'mention', key: 'mention:1' }])
    await eventually(async () => to('/alice').length === before + 1, 'the mention push')
    // Messages are handled in order, so the favourite (first) would have arrived by now.
    await new Promise((r) => setTimeout(r, 300))
    expect(to('/alice')).toHaveLength(before + 1)
  })

  it('follows the policy: "followed" pushes only from accounts the subscriber follows', async () => {
    const { keys } = await subscribe(bob.token, '/bob-policy', { alerts: { follow: true }, policy: 'followed' })
    await notify([{ accountId: bob.accountId, fromAccountId: carol.accountId, type: 'follow', key: 'follow:carol-1' }])
    await stack.db
      .prepare("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('900000000000000001', ?, ?, 'accepted')")
      .bind(bob.accountId, alice.accountId)
      .run()
    await notify([{ accountId: bob.accountId, fromAccountId: alice.accountId, type: 'follow', key: 'follow:alice-1' }])
    const push = await eventually(async () => to('/bob-policy')[0], 'the push from a followed account')
    expect(JSON.parse(decryptAes128gcm(push.body, keys)).notification_id).toBe(await notificationId(bob.accountId, 'follow:alice-1'))
    await new Promise((r) => setTimeout(r, 300))
    expect(to('/bob-policy')).toHaveLength(1)
  })

  it('deletes a subscription the push service answers 410 for', async () => {
    script.set('/alice', [410])
    await notify([{ accountId: alice.accountId, fromAccountId: bob.accountId, type: 'mention', key: 'mention:gone' }])
    await eventually(async () => {
      const row = await stack.db.prepare('SELECT count(*) AS n FROM push_subscriptions WHERE account_id = ?').bind(alice.accountId).first<{ n: number }>()
      return row?.n === 0
    }, 'the subscription to be removed')
    const res = await stack.fetch('/api/v1/push/subscription', { headers: { Authorization: `Bearer ${alice.token}` } })
    expect(res.status).toBe(404)
  })

  it('retries through the queue when the push service fails, and delivers once', async () => {
    const { keys } = await subscribe(alice.token, '/alice-retry', { alerts: { mention: true } })
    script.set('/alice-retry', [503])
    await notify([{ accountId: alice.accountId, fromAccountId: bob.accountId, type: 'mention', key: 'mention:retry' }])
    const push = await eventually(async () => to('/alice-retry')[0], 'the retried push', 300, 100)
    expect(JSON.parse(decryptAes128gcm(push.body, keys)).notification_type).toBe('mention')
    expect(to('/alice-retry')).toHaveLength(1)
  }, 60_000)

  it('uses the legacy drafts (aesgcm) for a subscription that does not ask for the standard', async () => {
    const sub = await subscribe(carolPush.token, '/carol-legacy', { alerts: { mention: true } }, false)
    expect(sub.body).toMatchObject({ standard: false })
    await notify([{ accountId: carolPush.accountId, fromAccountId: bob.accountId, type: 'mention', key: 'mention:legacy' }])
    const push = await eventually(async () => to('/carol-legacy')[0], 'the legacy push')
    expect(push.headers['content-encoding']).toBe('aesgcm')
    expect(String(push.headers.encryption)).toMatch(/^salt=/)
    expect(String(push.headers['crypto-key'])).toMatch(/dh=.*p256ecdsa=/)
    expect(String(push.headers.authorization)).toMatch(/^WebPush /)
  })

  it('keeps the access token only sealed at rest', async () => {
    const row = await stack.db.prepare('SELECT access_token_sealed FROM push_subscriptions WHERE account_id = ?').bind(alice.accountId).first<{ access_token_sealed: string }>()
    expect(row?.access_token_sealed).not.toContain(alice.token)
    expect(row?.access_token_sealed.length).toBeGreaterThan(alice.token.length)
  })

  it('does not push what the recipient’s notification policy filtered', async () => {
    const erin = await registeredUserToken(stack, 'erin', 'read write push')
    await subscribe(erin.token, '/erin', { alerts: { follow: true }, policy: 'all' })
    const patched = await stack.fetch('/api/v2/notifications/policy', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${erin.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ for_not_following: 'filter' }),
    })
    expect(patched.status).toBe(200)
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('990001', ?, ?)").bind(erin.accountId, bob.accountId).run()
    // Carol is not followed: filtered into a request. Bob is: pushed.
    await notify([{ accountId: erin.accountId, fromAccountId: carol.accountId, type: 'follow', key: 'follow:erin-carol' }])
    await notify([{ accountId: erin.accountId, fromAccountId: bob.accountId, type: 'follow', key: 'follow:erin-bob' }])
    expect(await stack.db.prepare('SELECT filtered FROM notifications WHERE dedupe_key = ?').bind('follow:erin-carol').first('filtered')).toBe(1)
    await eventually(async () => to('/erin').length === 1, 'the push for bob’s follow')
    // Messages are handled in order, so carol's (first) would have arrived by now.
    await new Promise((r) => setTimeout(r, 300))
    expect(to('/erin')).toHaveLength(1)
  })
})
