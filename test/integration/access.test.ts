import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { startStack, type Stack } from '../helpers/stack'
import { location, registerApp } from '../helpers/auth'

// A stand-in for https://<team>.cloudflareaccess.com/cdn-cgi/access/certs on loopback. The Worker
// fetches it through the same jose code path as in production; only the URL differs.
const TEAM = 'herd-test.cloudflareaccess.com'
const ISS = `https://${TEAM}`
const AUD = 'aud-0123456789abcdef'

interface Key {
  kid: string
  privateKey: KeyObject
  jwk: Record<string, unknown>
}
function newKey(kid: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
}

const published: Key[] = []
let jwksFetches = 0
let server: Server
let stack: Stack
const k1 = newKey('kid-1')
const k2 = newKey('kid-2')
const stranger = newKey('kid-1')

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function jwt(claims: Record<string, unknown>, key: Key = k1, header: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000)
  const body = { iss: ISS, aud: [AUD], sub: 'user-1', email: 'owner@example.com', iat: now, nbf: now - 5, exp: now + 300, ...claims }
  const input = `${b64({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })}.${b64(body)}`
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

async function loginWith(token: string, cookie = false): Promise<Response> {
  return stack.fetch('/auth/login', { headers: cookie ? { Cookie: `CF_Authorization=${token}` } : { 'Cf-Access-Jwt-Assertion': token } })
}

beforeAll(async () => {
  published.push(k1)
  server = createServer((req, res) => {
    jwksFetches++
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  stack = await startStack({
    bindings: { HERD_LOGIN: 'access', ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, HERD_DEV_ACCESS_JWKS_URL: `http://127.0.0.1:${port}/certs` },
  })
})
afterAll(async () => {
  await stack.dispose()
  await new Promise((resolve) => server.close(resolve))
})

describe('Cloudflare Access login', () => {
  it('a valid token signs in and leads to first login', async () => {
    const res = await loginWith(jwt({}))
    expect(res.status).toBe(303)
    expect(location(res)).toBe('/auth/first-login')
  })

  it('the CF_Authorization cookie works too', async () => {
    const res = await loginWith(jwt({}), true)
    expect(res.status).toBe(303)
  })

  it('without a token the login page says so', async () => {
    const res = await stack.fetch('/auth/login')
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('No Cloudflare Access token')
  })

  const now = () => Math.floor(Date.now() / 1000)
  const refused: Array<[string, () => string]> = [
    ['expired', () => jwt({ exp: now() - 60, iat: now() - 600, nbf: now() - 600 })],
    ['not yet valid', () => jwt({ nbf: now() + 600 })],
    ['wrong aud', () => jwt({ aud: ['someone-else'] })],
    ['wrong iss', () => jwt({ iss: 'https://other-team.cloudflareaccess.com' })],
    ['bad signature', () => jwt({}, stranger)],
    ['tampered payload', () => {
      const [h, , s] = jwt({}).split('.')
      return `${h}.${b64({ iss: ISS, aud: [AUD], sub: 'x', email: 'attacker@example.com', exp: now() + 300 })}.${s}`
    }],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISS, aud: [AUD], sub: 'x', email: 'owner@example.com', exp: now() + 300 })}.`],
    ['HS256 with the public key as secret', () => {
      const input = `${b64({ alg: 'HS256', kid: 'kid-1' })}.${b64({ iss: ISS, aud: [AUD], sub: 'x', email: 'owner@example.com', exp: now() + 300 })}`
      return `${input}.${Buffer.from('sig').toString('base64url')}`
    }],
    ['kid nobody publishes', () => jwt({}, newKey('kid-unknown'))],
    ['garbage', () => 'not.a.jwt'],
  ]
  it.each(refused)('refuses a token that is %s', async (_what, make) => {
    const res = await loginWith(make())
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('The Access token was refused')
  })

  it('refetches the key set when a token names a new kid', async () => {
    expect((await loginWith(jwt({}))).status).toBe(303)
    const before = jwksFetches
    published.push(k2)
    // jose refetches at most once a second; wait that out so the rotation is visible.
    await new Promise((r) => setTimeout(r, 1100))
    expect((await loginWith(jwt({}, k2))).status).toBe(303)
    expect(jwksFetches).toBe(before + 1)
    // Known keys come from the cache.
    expect((await loginWith(jwt({}, k1))).status).toBe(303)
    expect(jwksFetches).toBe(before + 1)
  })

  it('first login creates the admin account for the Access identity, then consent works', async () => {
    const headers = { 'Cf-Access-Jwt-Assertion': jwt({}) }
    const page = await stack.fetch('/auth/first-login', { headers })
    expect(page.status).toBe(200)
    const csrf = /herd_csrf=([^;]+)/.exec(page.headers.getSetCookie().join('\n'))?.[1] ?? ''
    const res = await stack.fetch('/auth/first-login/submit', {
      method: 'POST',
      headers: { ...headers, Cookie: `herd_csrf=${csrf}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, username: 'chief', display_name: 'Chief' }),
    })
    expect(res.status).toBe(303)
    expect(location(res)).toBe('/')
    const row = await stack.db.prepare("SELECT u.role, u.password_hash FROM users u JOIN accounts a ON a.id = u.account_id WHERE a.username = 'chief'").first<Record<string, unknown>>()
    expect(row).toEqual({ role: 'admin', password_hash: null })
    const app = await registerApp(stack)
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'read' })
    expect((await stack.fetch(`/oauth/authorize?${q.toString()}`, { headers })).status).toBe(200)
    expect((await stack.fetch(`/oauth/authorize?${q.toString()}`, { headers: { 'Cf-Access-Jwt-Assertion': jwt({ exp: now() - 60, iat: now() - 600, nbf: now() - 600 }) } })).status).toBe(303)
  })

  it('the built-in password form is closed in Access mode', async () => {
    const res = await stack.fetch('/auth/login/submit', { method: 'POST', body: new URLSearchParams({ email: 'owner@example.com', password: 'x' }) })
    expect(res.status).toBe(404)
  })
})

describe('with no login mode configured', () => {
  let bare: Stack
  beforeAll(async () => {
    bare = await startStack({ bindings: { HERD_LOGIN: '' } })
  })
  afterAll(async () => {
    await bare.dispose()
  })

  it('refuses logins with a clear message', async () => {
    const page = await bare.fetch('/auth/login')
    expect(page.status).toBe(503)
    expect(await page.text()).toContain('HERD_LOGIN')
    const post = await bare.fetch('/auth/login/submit', { method: 'POST', body: new URLSearchParams({ email: 'a@example.com', password: 'whatever!' }) })
    expect(post.status).toBe(503)
    expect(((await post.json()) as { error: string }).error).toContain('HERD_LOGIN')
    expect((await bare.fetch('/oauth/authorize?client_id=x')).status).toBe(503)
  })
})
