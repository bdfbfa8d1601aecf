import { createHash, randomBytes } from 'node:crypto'
import type { Stack } from './stack'

/** A browser for form flows: keeps cookies, sends same-origin form posts, never follows redirects. */
export class Browser {
  readonly cookies = new Map<string, string>()
  constructor(readonly stack: Stack) {}

  private remember(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(await this.stack.fetch(path, { headers: { Cookie: this.cookieHeader(), ...headers } }))
  }

  /** A form post from one of our pages, with the CSRF token from its cookie unless given. */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams({ csrf: this.cookies.get('herd_csrf') ?? '', ...form })
    return this.remember(
      await this.stack.fetch(path, {
        method: 'POST',
        body,
        headers: { Cookie: this.cookieHeader(), 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.stack.url.origin, ...headers },
      }),
    )
  }
}

export function location(res: Response): string {
  return res.headers.get('location') ?? ''
}

/** Signs in with the built-in login (the first sign-in on an empty instance creates the owner). */
export async function signIn(stack: Stack, email: string, password: string): Promise<{ browser: Browser; res: Response }> {
  const browser = new Browser(stack)
  await browser.get('/auth/login')
  const res = await browser.post('/auth/login/submit', { email, password })
  return { browser, res }
}

/** First login: picks the username, creating the local account. */
export async function chooseUsername(browser: Browser, username: string, displayName = ''): Promise<Response> {
  await browser.get('/auth/first-login')
  return browser.post('/auth/first-login/submit', { username, display_name: displayName })
}

export interface RegisteredApp {
  id: string
  client_id: string
  client_secret: string
  redirect_uri: string
}

export async function registerApp(stack: Stack, scopes = 'read write follow push profile', redirectUri = 'https://client.example/callback'): Promise<RegisteredApp> {
  const res = await stack.fetch('/api/v1/apps', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'Test client', redirect_uris: redirectUri, scopes, website: 'https://client.example' }),
  })
  if (res.status !== 200) throw new Error(`POST /api/v1/apps: ${res.status} ${await res.text()}`)
  return (await res.json()) as RegisteredApp
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** Consent as the signed-in browser; returns the redirect the decision answered with. */
export async function consent(browser: Browser, app: RegisteredApp, scope: string, challenge?: string, state = 'xyz'): Promise<Response> {
  const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope, state })
  if (challenge !== undefined) {
    q.set('code_challenge', challenge)
    q.set('code_challenge_method', 'S256')
  }
  const page = await browser.get(`/oauth/authorize?${q.toString()}`)
  if (page.status !== 200) throw new Error(`GET /oauth/authorize: ${page.status} ${location(page)}`)
  return browser.post('/oauth/authorize/decision', { ...Object.fromEntries(q), decision: 'approve' })
}

export async function tokenRequest(stack: Stack, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await stack.fetch('/oauth/token', { method: 'POST', body: new URLSearchParams(params) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/**
 * A user token the way a Mastodon client gets one: sign in (creating the login if the instance is
 * empty), first login, app registration, consent with PKCE, code exchange.
 */
export async function userToken(stack: Stack, username: string, scope = 'read write follow', password = 'correct horse battery'): Promise<{ token: string; browser: Browser; app: RegisteredApp }> {
  const { browser } = await signIn(stack, `${username}@example.com`, password)
  await chooseUsername(browser, username)
  const app = await registerApp(stack, scope)
  const { verifier, challenge } = pkce()
  const decided = await consent(browser, app, scope, challenge)
  const code = new URL(location(decided)).searchParams.get('code') ?? ''
  const { body } = await tokenRequest(stack, { grant_type: 'authorization_code', code, client_id: app.client_id, redirect_uri: app.redirect_uri, code_verifier: verifier })
  return { token: String(body.access_token), browser, app }
}

/** An app-only token (client_credentials), as clients use to register accounts. */
export async function appToken(stack: Stack, scope = 'read write', appScopes = 'read write follow push profile admin:read admin:write'): Promise<{ token: string; app: RegisteredApp }> {
  const app = await registerApp(stack, appScopes)
  const { body } = await tokenRequest(stack, { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope })
  return { token: String(body.access_token), app }
}

export function registrationsMode(stack: Stack, mode: 'open' | 'approval' | 'closed'): Promise<Response> {
  return stack.harness('/instance/settings', { method: 'POST', body: JSON.stringify({ registrationsMode: mode }) })
}

/**
 * Another user with a token, through POST /api/v1/accounts (opens registrations for the call and
 * closes them after). Use userToken for the first (admin) account.
 */
export async function registeredUserToken(stack: Stack, username: string, scope = 'read write follow'): Promise<{ token: string; accountId: string }> {
  await registrationsMode(stack, 'open')
  const { token: appTok } = await appToken(stack)
  const res = await stack.fetch('/api/v1/accounts', {
    method: 'POST',
    headers: { Authorization: `Bearer ${appTok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password: 'correct horse battery', agreement: true, locale: 'en', scope }),
  })
  await registrationsMode(stack, 'closed')
  if (res.status !== 200) throw new Error(`POST /api/v1/accounts: ${res.status} ${await res.text()}`)
  const token = String(((await res.json()) as Record<string, unknown>).access_token)
  const me = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${token}` } })
  return { token, accountId: String(((await me.json()) as Record<string, unknown>).id) }
}

/** userToken plus the account id, for tests that act as the first (admin) account. */
export async function userTokenWithAccount(stack: Stack, username: string, scope = 'read write follow'): Promise<{ token: string; accountId: string }> {
  const { token } = await userToken(stack, username, scope)
  const me = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${token}` } })
  return { token, accountId: String(((await me.json()) as Record<string, unknown>).id) }
}
