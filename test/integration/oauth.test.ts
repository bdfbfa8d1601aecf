import { createDecipheriv, createPublicKey, verify } from 'node:crypto'
import { startStack, TEST_KEK, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { Browser, chooseUsername, consent, location, pkce, registerApp, signIn, tokenRequest } from '../helpers/auth'

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.dispose()
})

const OWNER = { email: 'owner@example.com', password: 'correct horse battery' }
let owner: Browser

async function api(path: string, token: string | null, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers)
  if (token !== null) headers.set('Authorization', `Bearer ${token}`)
  const res = await stack.fetch(path, { ...init, headers })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('sign-in and first login', () => {
  it('the first sign-in on an empty instance sets up the owner and leads to first login', async () => {
    const login = await stack.fetch('/auth/login')
    expect(login.status).toBe(200)
    expect(await login.text()).toContain('Set up the owner login')
    const { browser, res } = await signIn(stack, OWNER.email, OWNER.password)
    owner = browser
    expect(res.status).toBe(303)
    expect(location(res)).toBe('/auth/first-login')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('herd_session='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    const page = await owner.get('/auth/first-login')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('owner@example.com')
  })

  it('first login refuses reserved and malformed usernames without creating anything', async () => {
    for (const username of ['admin', 'a b', '', 'x'.repeat(31), '.dot']) {
      const res = await chooseUsername(owner, username)
      expect(res.status).toBe(303)
      expect(location(res)).toMatch(/^\/auth\/first-login\?.*error=/)
    }
    const n = await stack.db.prepare('SELECT COUNT(*) AS n FROM accounts').first<{ n: number }>()
    expect(n?.n).toBe(0)
  })

  it('first login creates the admin account with an encrypted RSA key', async () => {
    const res = await chooseUsername(owner, 'alice', 'Alice')
    expect(res.status).toBe(303)
    expect(location(res)).toBe('/')
    const row = await stack.db.prepare("SELECT a.id, a.public_key_pem, u.role, k.private_key_encrypted FROM accounts a JOIN users u ON u.account_id = a.id JOIN account_keys k ON k.account_id = a.id WHERE a.username = 'alice'").first<Record<string, string>>()
    expect(row?.role).toBe('admin')
    expect(row?.public_key_pem).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    expect(row?.private_key_encrypted).toMatch(/^v1\./)
    expect(row?.private_key_encrypted).not.toContain('PRIVATE KEY')
  })

  it('the sealed private key opens with the KEK only, and signs for the published public key', async () => {
    const row = await stack.db.prepare("SELECT a.id, a.public_key_pem, k.private_key_encrypted AS sealed FROM accounts a JOIN account_keys k ON k.account_id = a.id WHERE a.username = 'alice'").first<Record<string, string>>()
    const [, iv = '', data = ''] = (row?.sealed ?? '').split('.')
    const bytes = Buffer.from(data, 'base64url')
    const open = (kek: Buffer, aad: string): Buffer => {
      const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'))
      d.setAAD(Buffer.from(aad))
      d.setAuthTag(bytes.subarray(bytes.length - 16))
      return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()])
    }
    expect(open(Buffer.from(TEST_KEK, 'base64'), row?.id ?? '').length).toBeGreaterThan(1000)
    expect(() => open(Buffer.alloc(32), row?.id ?? '')).toThrow()
    expect(() => open(Buffer.from(TEST_KEK, 'base64'), 'another-account')).toThrow()
    const res = await stack.harness('/accounts/sign', { method: 'POST', body: JSON.stringify({ accountId: row?.id, data: 'hello' }) })
    const { signature } = (await res.json()) as { signature: string }
    const publicKey = createPublicKey(row?.public_key_pem ?? '')
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(verify('sha256', Buffer.from('hello'), publicKey, Buffer.from(signature, 'base64'))).toBe(true)
  })

  it('no response carries the KEK', async () => {
    const kekUrl = Buffer.from(TEST_KEK, 'base64').toString('base64url')
    for (const path of ['/api/v1/instance', '/api/v2/instance', '/api/v1/accounts/lookup?acct=alice', '/auth/first-login']) {
      const text = await (await owner.get(path)).text()
      expect(text).not.toContain(TEST_KEK)
      expect(text).not.toContain(kekUrl)
    }
  })
})

describe('authorization code with PKCE', () => {
  it('runs the whole dance and the token calls the API', async () => {
    const app = await registerApp(stack)
    expect(schemaErrors(mastodonValidator('CredentialApplication'), app)).toEqual([])
    const { verifier, challenge } = pkce()
    const decided = await consent(owner, app, 'read write', challenge, 'st4te')
    expect(decided.status).toBe(303)
    const redirect = new URL(location(decided))
    expect(redirect.origin + redirect.pathname).toBe(app.redirect_uri)
    expect(redirect.searchParams.get('state')).toBe('st4te')
    const code = redirect.searchParams.get('code') ?? ''
    const { status, body } = await tokenRequest(stack, { grant_type: 'authorization_code', code, client_id: app.client_id, redirect_uri: app.redirect_uri, code_verifier: verifier })
    expect(status).toBe(200)
    expect(schemaErrors(mastodonValidator('Token'), body)).toEqual([])
    expect(body.scope).toBe('read write')
    const me = await api('/api/v1/accounts/verify_credentials', String(body.access_token))
    expect(me.status).toBe(200)
    expect(schemaErrors(mastodonValidator('CredentialAccount'), me.body)).toEqual([])
    expect(me.body.username).toBe('alice')
    expect(me.body.display_name).toBe('Alice')
  })
})

describe('token endpoint', () => {
  let app: Awaited<ReturnType<typeof registerApp>>
  beforeAll(async () => {
    app = await registerApp(stack, 'read write follow')
  })

  async function code(scope = 'read', challenge?: string): Promise<string> {
    const decided = await consent(owner, app, scope, challenge)
    return new URL(location(decided)).searchParams.get('code') ?? ''
  }

  it('a code works once; a replay fails and revokes the token it gave', async () => {
    const c = await code()
    const params = { grant_type: 'authorization_code', code: c, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri }
    const first = await tokenRequest(stack, params)
    expect(first.status).toBe(200)
    const second = await tokenRequest(stack, params)
    expect(second.status).toBe(400)
    expect(second.body.error).toBe('invalid_grant')
    expect((await api('/api/v1/accounts/verify_credentials', String(first.body.access_token))).status).toBe(401)
  })

  it('refuses a redirect_uri other than the one the code was issued for', async () => {
    const c = await code()
    const res = await tokenRequest(stack, { grant_type: 'authorization_code', code: c, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: 'https://client.example/other' })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_grant')
  })

  it('refuses a wrong client secret, and a public client without PKCE', async () => {
    const c = await code()
    const wrong = await tokenRequest(stack, { grant_type: 'authorization_code', code: c, client_id: app.client_id, client_secret: 'nope', redirect_uri: app.redirect_uri })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error).toBe('invalid_client')
    const noSecret = await tokenRequest(stack, { grant_type: 'authorization_code', code: c, client_id: app.client_id, redirect_uri: app.redirect_uri })
    expect(noSecret.status).toBe(401)
  })

  it('refuses a wrong PKCE verifier even with the client secret', async () => {
    const { challenge } = pkce()
    const c = await code('read', challenge)
    const res = await tokenRequest(stack, { grant_type: 'authorization_code', code: c, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri, code_verifier: pkce().verifier })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_grant')
  })

  it('accepts JSON and query-string bodies, and HTTP Basic client auth', async () => {
    const json = await stack.fetch('/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code: await code(), client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri }),
    })
    expect(json.status).toBe(200)
    const q = new URLSearchParams({ grant_type: 'authorization_code', code: await code(), redirect_uri: app.redirect_uri })
    const basic = Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')
    const query = await stack.fetch(`/oauth/token?${q.toString()}`, { method: 'POST', headers: { Authorization: `Basic ${basic}` } })
    expect(query.status).toBe(200)
    expect(query.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('client_credentials gives an app token: apps/verify_credentials yes, user endpoints no', async () => {
    const { status, body } = await tokenRequest(stack, { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' })
    expect(status).toBe(200)
    const verified = await api('/api/v1/apps/verify_credentials', String(body.access_token))
    expect(verified.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Application'), verified.body)).toEqual([])
    expect(verified.body.name).toBe('Test client')
    expect((await api('/api/v1/accounts/verify_credentials', String(body.access_token))).status).toBe(422)
    const wider = await tokenRequest(stack, { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'admin:read' })
    expect(wider.status).toBe(400)
    expect(wider.body.error).toBe('invalid_scope')
  })

  it('unknown grant types and missing codes are 400 with OAuth errors', async () => {
    expect((await tokenRequest(stack, { grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret })).body.error).toBe('unsupported_grant_type')
    expect((await tokenRequest(stack, { grant_type: 'authorization_code', client_id: app.client_id, client_secret: app.client_secret })).status).toBe(400)
    expect((await tokenRequest(stack, { grant_type: 'authorization_code', code: 'made-up', client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri })).body.error).toBe('invalid_grant')
    expect((await tokenRequest(stack, {})).status).toBe(400)
  })

  it('revoke: the token stops working', async () => {
    const { body } = await tokenRequest(stack, { grant_type: 'authorization_code', code: await code(), client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri })
    const token = String(body.access_token)
    expect((await api('/api/v1/accounts/verify_credentials', token)).status).toBe(200)
    const res = await stack.fetch('/oauth/revoke', { method: 'POST', body: new URLSearchParams({ token, client_id: app.client_id, client_secret: app.client_secret }) })
    expect(res.status).toBe(200)
    const after = await api('/api/v1/accounts/verify_credentials', token)
    expect(after.status).toBe(401)
    expect(after.body.error).toBe('The access token is invalid')
  })
})

describe('scopes', () => {
  it('401 without a token, 403 with a token lacking the scope, and granular scopes work', async () => {
    const app = await registerApp(stack, 'read write follow profile')
    async function tokenFor(scope: string): Promise<string> {
      const decided = await consent(owner, app, scope)
      const c = new URL(location(decided)).searchParams.get('code') ?? ''
      return String((await tokenRequest(stack, { grant_type: 'authorization_code', code: c, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri })).body.access_token)
    }
    expect(await api('/api/v1/accounts/verify_credentials', null)).toEqual({ status: 401, body: { error: 'The access token is invalid' } })
    expect((await api('/api/v1/accounts/verify_credentials', 'garbage')).status).toBe(401)
    const writeOnly = await tokenFor('write:statuses')
    expect(await api('/api/v1/accounts/verify_credentials', writeOnly)).toEqual({ status: 403, body: { error: 'This action is outside the authorized scopes' } })
    expect((await api('/api/v1/accounts/verify_credentials', await tokenFor('profile'))).status).toBe(200)
    expect((await api('/api/v1/accounts/verify_credentials', await tokenFor('read:accounts'))).status).toBe(200)
    const readOnly = await tokenFor('read')
    const patch = await api('/api/v1/accounts/update_credentials', readOnly, { method: 'PATCH', body: new URLSearchParams({ display_name: 'x' }) })
    expect(patch.status).toBe(403)
  })

  it('the consent page refuses scopes the app did not register', async () => {
    const app = await registerApp(stack, 'read')
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'write' })
    const page = await owner.get(`/oauth/authorize?${q.toString()}`)
    expect(page.status).toBe(400)
  })
})

describe('authorize page', () => {
  it('a redirect_uri that is not registered is refused on the page, never redirected to', async () => {
    const app = await registerApp(stack)
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: 'https://evil.example/steal', response_type: 'code', scope: 'read' })
    const page = await owner.get(`/oauth/authorize?${q.toString()}`)
    expect(page.status).toBe(400)
    expect(location(page)).toBe('')
    expect(await page.text()).toContain('redirect_uri does not match')
    const post = await owner.post('/oauth/authorize/decision', { ...Object.fromEntries(q), decision: 'approve' })
    expect(post.status).toBe(400)
    expect(location(post)).toBe('')
  })

  it('login return_to only goes to paths on this site', async () => {
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await owner.post('/auth/login/submit', { email: OWNER.email, password: OWNER.password, return_to: evil })
      expect(res.status).toBe(303)
      expect(location(res)).toBe('/')
    }
  })

  it('sends a visitor who is not signed in to the login page, and back afterwards', async () => {
    const app = await registerApp(stack)
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'read' })
    const visitor = new Browser(stack)
    const page = await visitor.get(`/oauth/authorize?${q.toString()}`)
    expect(page.status).toBe(303)
    const login = new URL(location(page), stack.url)
    expect(login.pathname).toBe('/auth/login')
    const returnTo = login.searchParams.get('return_to') ?? ''
    expect(returnTo).toBe(`/oauth/authorize?${q.toString()}`)
    await visitor.get(login.pathname + login.search)
    const signedIn = await visitor.post('/auth/login/submit', { email: OWNER.email, password: OWNER.password, return_to: returnTo })
    expect(location(signedIn)).toBe(returnTo)
    expect((await visitor.get(returnTo)).status).toBe(200)
  })

  it('force_login sends even a signed-in person to the login form', async () => {
    const app = await registerApp(stack)
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'read', force_login: 'true' })
    const page = await owner.get(`/oauth/authorize?${q.toString()}`)
    expect(page.status).toBe(303)
    const login = new URL(location(page), stack.url)
    expect(login.searchParams.get('force')).toBe('1')
    expect(login.searchParams.get('return_to')).not.toContain('force_login')
    expect((await owner.get(login.pathname + login.search)).status).toBe(200)
  })

  it('deny redirects with access_denied', async () => {
    const app = await registerApp(stack)
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'read', state: 's' })
    await owner.get(`/oauth/authorize?${q.toString()}`)
    const res = await owner.post('/oauth/authorize/decision', { ...Object.fromEntries(q), decision: 'deny' })
    const to = new URL(location(res))
    expect(to.searchParams.get('error')).toBe('access_denied')
    expect(to.searchParams.get('state')).toBe('s')
    expect(to.searchParams.get('code')).toBeNull()
  })

  it('the out-of-band flow shows the code on a page', async () => {
    const app = await registerApp(stack, 'read', 'urn:ietf:wg:oauth:2.0:oob')
    const decided = await consent(owner, app, 'read')
    expect(location(decided)).toMatch(/^\/oauth\/authorize\/native\?code=/)
    const page = await owner.get(location(decided))
    const code = new URL(location(decided), stack.url).searchParams.get('code') ?? ''
    expect(await page.text()).toContain(code)
    const { status } = await tokenRequest(stack, { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: app.redirect_uri })
    expect(status).toBe(200)
  })

  it('a consent post without the CSRF token, or from another origin, is refused', async () => {
    const app = await registerApp(stack)
    const q = { client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'read', decision: 'approve' }
    expect((await owner.post('/oauth/authorize/decision', { ...q, csrf: 'forged' })).status).toBe(403)
    expect((await owner.post('/oauth/authorize/decision', q, { Origin: 'https://evil.example' })).status).toBe(403)
  })
})

describe('apps', () => {
  it('accepts custom schemes and oob, refuses bad redirect URIs and scopes with 422/400', async () => {
    const ok = await api('/api/v1/apps', null, { method: 'POST', body: new URLSearchParams({ client_name: 'Mobile', redirect_uris: 'app.example.mobile://oauth urn:ietf:wg:oauth:2.0:oob' }) })
    expect(ok.status).toBe(200)
    expect(ok.body.redirect_uris).toEqual(['app.example.mobile://oauth', 'urn:ietf:wg:oauth:2.0:oob'])
    expect(ok.body.scopes).toEqual(['read'])
    const before = await stack.db.prepare('SELECT COUNT(*) AS n FROM oauth_apps').first<{ n: number }>()
    const bad: Array<Record<string, string>> = [
      { client_name: 'x', redirect_uris: 'not a uri' },
      { client_name: 'x', redirect_uris: 'javascript:alert(1)' },
      { client_name: 'x', redirect_uris: 'https://a.example/#frag' },
      { client_name: '', redirect_uris: 'https://a.example/' },
      { client_name: 'x' },
    ]
    for (const body of bad) {
      expect((await api('/api/v1/apps', null, { method: 'POST', body: new URLSearchParams(body) })).status).toBe(422)
    }
    expect((await api('/api/v1/apps', null, { method: 'POST', body: new URLSearchParams({ client_name: 'x', redirect_uris: 'https://a.example/', scopes: 'read everything' }) })).status).toBe(400)
    const after = await stack.db.prepare('SELECT COUNT(*) AS n FROM oauth_apps').first<{ n: number }>()
    expect(after?.n).toBe(before?.n)
  })

  it('stores only hashes of secrets and tokens', async () => {
    const app = await registerApp(stack)
    const rows = await stack.db.prepare('SELECT client_secret_hash FROM oauth_apps').all<{ client_secret_hash: string }>()
    expect(rows.results.some((r) => r.client_secret_hash === app.client_secret)).toBe(false)
    expect(rows.results.every((r) => /^[0-9a-f]{64}$/.test(r.client_secret_hash))).toBe(true)
  })

  it('publishes the authorization server metadata', async () => {
    const res = await api('/.well-known/oauth-authorization-server', null)
    expect(res.status).toBe(200)
    expect(res.body.authorization_endpoint).toBe(`${stack.url.origin}/oauth/authorize`)
    expect(res.body.code_challenge_methods_supported).toEqual(['S256'])
    expect(res.body.scopes_supported).toContain('read:statuses')
    expect(res.body.app_registration_endpoint).toBe(`${stack.url.origin}/api/v1/apps`)
  })
})
