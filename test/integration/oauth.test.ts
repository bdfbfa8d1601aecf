import { startStack, type Stack } from '../helpers/stack'
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
