import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { appToken, Browser, location, registerApp, registeredUserToken, registrationsMode, signIn, userToken } from '../helpers/auth'
import { MAX_FAILURES } from '../../backend/auth/login'

let stack: Stack
let admin: { token: string; browser: Browser }
beforeAll(async () => {
  stack = await startStack()
  admin = await userToken(stack, 'boss', 'read write follow admin:write')
})
afterAll(async () => {
  await stack.dispose()
})

async function api(path: string, token: string | null, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers)
  if (token !== null) headers.set('Authorization', `Bearer ${token}`)
  const res = await stack.fetch(path, { ...init, headers })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function count(table: string): Promise<number> {
  return (await stack.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? -1
}

function register(token: string, body: Record<string, unknown>) {
  return api('/api/v1/accounts', token, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agreement: true, locale: 'en', password: 'long enough pw', ...body }) })
}

describe('password login', () => {
  it('succeeds with the right password, and a wrong one is refused', async () => {
    const ok = await signIn(stack, 'boss@example.com', 'correct horse battery')
    expect(ok.res.status).toBe(303)
    expect(location(ok.res)).toBe('/')
    expect(ok.browser.cookies.get('herd_session')).toBeDefined()
    const bad = await signIn(stack, 'boss@example.com', 'wrong password')
    expect(location(bad.res)).toMatch(/^\/auth\/login\?.*error=Wrong/)
    expect(bad.browser.cookies.get('herd_session')).toBeUndefined()
    const unknown = await signIn(stack, 'nobody@example.com', 'whatever pw')
    expect(location(unknown.res)).toMatch(/error=Wrong/)
  })

  it('throttles after repeated failures, even for the right password', async () => {
    const user = await registeredUserToken(stack, 'throttled')
    expect(user.token).not.toBe('')
    for (let i = 0; i < MAX_FAILURES; i++) await signIn(stack, 'throttled@example.com', `wrong ${i}`)
    const blocked = await signIn(stack, 'throttled@example.com', 'correct horse battery')
    expect(location(blocked.res)).toMatch(/error=Too\+many/)
    expect(blocked.browser.cookies.get('herd_session')).toBeUndefined()
    const rows = await stack.db.prepare('SELECT failures FROM login_failures').all<{ failures: number }>()
    expect(rows.results.some((r) => r.failures === MAX_FAILURES)).toBe(true)
  })

  it('a login post without the CSRF token is refused', async () => {
    const b = new Browser(stack)
    const res = await b.post('/auth/login/submit', { email: 'boss@example.com', password: 'correct horse battery' })
    expect(res.status).toBe(403)
  })

  it('logout ends the session', async () => {
    const { browser } = await signIn(stack, 'boss@example.com', 'correct horse battery')
    expect((await browser.get('/auth/first-login')).status).toBe(303)
    const sessionCookie = `herd_session=${browser.cookies.get('herd_session') ?? ''}`
    await browser.post('/auth/logout', {})
    const again = await stack.fetch('/auth/first-login', { headers: { Cookie: sessionCookie } })
    expect(location(again)).toMatch(/^\/auth\/login/)
  })
})

describe('registration', () => {
  it('closed: 403 and nothing created', async () => {
    await registrationsMode(stack, 'closed')
    const { token } = await appToken(stack)
    const before = await count('accounts')
    const res = await register(token, { username: 'closedreg', email: 'closed@example.com' })
    expect(res.status).toBe(403)
    expect(await count('accounts')).toBe(before)
  })

  it('open: returns a working token', async () => {
    await registrationsMode(stack, 'open')
    const { token } = await appToken(stack)
    const res = await register(token, { username: 'openreg', email: 'open@example.com' })
    expect(res.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Token'), res.body)).toEqual([])
    const me = await api('/api/v1/accounts/verify_credentials', String(res.body.access_token))
    expect(me.status).toBe(200)
    expect((me.body.role as Record<string, unknown>).name).toBe('')
    expect(me.body.username).toBe('openreg')
    // The default images the entity points at are served.
    for (const url of [me.body.avatar, me.body.header]) {
      const img = await stack.fetch(new URL(String(url)).pathname)
      expect(img.status).toBe(200)
      expect(img.headers.get('content-type')).toBe('image/png')
    }
  })

  it('approval: needs a reason; the token is refused until the admin approves', async () => {
    await registrationsMode(stack, 'approval')
    const { token } = await appToken(stack)
    expect((await register(token, { username: 'pending', email: 'pending@example.com' })).status).toBe(422)
    const res = await register(token, { username: 'pending', email: 'pending@example.com', reason: 'I like herds' })
    expect(res.status).toBe(200)
    const userToken = String(res.body.access_token)
    const before = await api('/api/v1/accounts/verify_credentials', userToken)
    expect(before.status).toBe(403)
    const web = await signIn(stack, 'pending@example.com', 'long enough pw')
    const app = await registerApp(stack)
    const q = new URLSearchParams({ client_id: app.client_id, redirect_uri: app.redirect_uri, response_type: 'code', scope: 'read' })
    expect((await web.browser.get(`/oauth/authorize?${q.toString()}`)).status).toBe(403)
    const id = String((await api('/api/v1/accounts/lookup?acct=PENDING', null)).body.id)
    const approved = await api(`/api/v1/admin/accounts/${id}/approve`, admin.token, { method: 'POST' })
    expect(approved.status).toBe(200)
    expect((await api('/api/v1/accounts/verify_credentials', userToken)).status).toBe(200)
  })

  it('only an admin can approve', async () => {
    const other = await registeredUserToken(stack, 'notadmin', 'read write admin:write')
    const res = await api(`/api/v1/admin/accounts/${other.accountId}/approve`, other.token, { method: 'POST' })
    expect(res.status).toBe(403)
  })

  it('bad input is a 4xx and leaves no partial user or account', async () => {
    await registrationsMode(stack, 'open')
    const { token } = await appToken(stack)
    const accounts = await count('accounts')
    const users = await count('users')
    const keys = await count('account_keys')
    const cases: Array<Record<string, unknown>> = [
      { username: 'admin', email: 'r@example.com' },
      { username: 'has space', email: 's@example.com' },
      { username: 'boss', email: 'dup@example.com' },
      { username: 'BOSS', email: 'dup2@example.com' },
      { username: 'fresh', email: 'not-an-email' },
      { username: 'fresh', email: 'boss@example.com' },
      { username: 'fresh', email: 'f@example.com', password: 'short' },
      { username: 'fresh', email: 'f@example.com', agreement: false },
      { username: 42, email: 'f@example.com' },
    ]
    for (const body of cases) {
      const res = await register(token, body)
      expect([400, 422]).toContain(res.status)
      expect(typeof res.body.error).toBe('string')
    }
    const malformed = await api('/api/v1/accounts', token, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{oops' })
    expect(malformed.status).toBe(400)
    expect(await count('accounts')).toBe(accounts)
    expect(await count('users')).toBe(users)
    expect(await count('account_keys')).toBe(keys)
    await registrationsMode(stack, 'closed')
  })

  it('needs an app token with write:accounts', async () => {
    const { token } = await appToken(stack, 'read')
    expect((await register(token, { username: 'x1', email: 'x1@example.com' })).status).toBe(403)
    expect((await api('/api/v1/accounts', null, { method: 'POST' })).status).toBe(401)
  })
})

describe('account endpoints', () => {
  it('verify_credentials is a complete CredentialAccount with source and the admin role', async () => {
    const me = await api('/api/v1/accounts/verify_credentials', admin.token)
    expect(me.status).toBe(200)
    expect(schemaErrors(mastodonValidator('CredentialAccount'), me.body)).toEqual([])
    expect((me.body.role as Record<string, unknown>).name).toBe('Owner')
    expect(me.body.acct).toBe('boss')
  })

  it('counts come from the account row', async () => {
    const me = await api('/api/v1/accounts/verify_credentials', admin.token)
    const id = String(me.body.id)
    await stack.db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility) VALUES ('1', 'https://x/1', ?, 1, 'public')").bind(id).run()
    await stack.db.prepare('UPDATE accounts SET followers_count = 7, following_count = 3 WHERE id = ?').bind(id).run()
    const account = await api(`/api/v1/accounts/${id}`, null)
    expect(account.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Account'), account.body)).toEqual([])
    expect(account.body.statuses_count).toBe(1)
    expect(account.body.followers_count).toBe(7)
    expect(account.body.following_count).toBe(3)
    expect(account.body.last_status_at).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const other = String((await api('/api/v1/accounts/lookup?acct=openreg', null)).body.id)
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, state) VALUES ('9', ?, ?, 'pending')").bind(other, id).run()
    const again = await api('/api/v1/accounts/verify_credentials', admin.token)
    expect((again.body.source as Record<string, unknown>).follow_requests_count).toBe(1)
  })

  it('lookup finds local accounts by name and name@domain; unknown ones are 404', async () => {
    expect((await api('/api/v1/accounts/lookup?acct=boss', null)).body.username).toBe('boss')
    expect((await api(`/api/v1/accounts/lookup?acct=boss@${stack.url.host}`, null)).body.username).toBe('boss')
    expect((await api('/api/v1/accounts/lookup?acct=nobody', null)).status).toBe(404)
    expect((await api('/api/v1/accounts/lookup', null)).status).toBe(404)
    expect((await api('/api/v1/accounts/123', null)).status).toBe(404)
    expect((await api('/api/v1/accounts/not-an-id', null)).status).toBe(404)
  })

  it('update_credentials changes the profile and the source', async () => {
    const form = new FormData()
    form.set('display_name', 'The Boss')
    form.set('note', 'Hello <world>\n\nSecond')
    form.set('locked', 'true')
    form.set('bot', 'false')
    form.set('discoverable', 'false')
    form.set('fields_attributes[0][name]', 'Site')
    form.set('fields_attributes[0][value]', 'https://boss.example')
    form.set('source[privacy]', 'unlisted')
    form.set('source[sensitive]', 'true')
    form.set('source[language]', 'de')
    const res = await api('/api/v1/accounts/update_credentials', admin.token, { method: 'PATCH', body: form })
    expect(res.status).toBe(200)
    expect(schemaErrors(mastodonValidator('CredentialAccount'), res.body)).toEqual([])
    expect(res.body.display_name).toBe('The Boss')
    expect(res.body.note).toBe('<p>Hello &lt;world&gt;</p><p>Second</p>')
    expect(res.body.locked).toBe(true)
    expect(res.body.discoverable).toBe(false)
    expect(res.body.fields).toEqual([{ name: 'Site', value: 'https://boss.example', verified_at: null }])
    const source = res.body.source as Record<string, unknown>
    expect(source).toMatchObject({ privacy: 'unlisted', sensitive: true, language: 'de', note: 'Hello <world>\n\nSecond' })
  })

  it('avatar and header upload to R2 and are served back with their type', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    const form = new FormData()
    form.set('avatar', new Blob([png], { type: 'image/png' }), 'a.png')
    form.set('header', new Blob([png], { type: 'image/png' }), 'h.png')
    const res = await api('/api/v1/accounts/update_credentials', admin.token, { method: 'PATCH', body: form })
    expect(res.status).toBe(200)
    const avatar = new URL(String(res.body.avatar))
    expect(avatar.pathname).toMatch(/^\/media\/accounts\//)
    const img = await stack.fetch(avatar.pathname)
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await img.arrayBuffer())).toEqual(png)
    expect((await stack.fetch(new URL(String(res.body.header)).pathname)).status).toBe(200)
  })

  it('update_credentials refuses bad input and changes nothing', async () => {
    const before = await api('/api/v1/accounts/verify_credentials', admin.token)
    const big = new FormData()
    big.set('display_name', 'Should not stick')
    big.set('avatar', new Blob([new Uint8Array(2 * 1024 * 1024 + 1)], { type: 'image/png' }), 'big.png')
    expect((await api('/api/v1/accounts/update_credentials', admin.token, { method: 'PATCH', body: big })).status).toBe(422)
    const wrongType = new FormData()
    wrongType.set('avatar', new Blob(['<svg/>'], { type: 'image/svg+xml' }), 'x.svg')
    expect((await api('/api/v1/accounts/update_credentials', admin.token, { method: 'PATCH', body: wrongType })).status).toBe(422)
    const bad: Array<Record<string, string>> = [{ display_name: 'x'.repeat(31) }, { note: 'x'.repeat(501) }, { locked: 'maybe' }, { 'source[privacy]': 'secret' }, { 'source[language]': 'english' }]
    for (const body of bad) {
      const res = await api('/api/v1/accounts/update_credentials', admin.token, { method: 'PATCH', body: new URLSearchParams(body) })
      expect(res.status).toBe(422)
    }
    const after = await api('/api/v1/accounts/verify_credentials', admin.token)
    expect(after.body).toEqual(before.body)
  })

  it('verify_credentials and the instance documents read a bounded number of rows', async () => {
    const me = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${admin.token}` } })
    // Token and its user, the account and its user, and the pending follow requests (one here).
    expect(Number(me.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(5)
    await stack.fetch('/api/v1/instance')
    const instance = await stack.fetch('/api/v1/instance')
    // Three counters, then the first admin and their account, with settings from the cache.
    expect(Number(instance.headers.get('x-herd-d1-rows-read'))).toBeLessThanOrEqual(5)
  })

  it('the instance documents name the admin as contact', async () => {
    const v1 = await api('/api/v1/instance', null)
    expect((v1.body.contact_account as Record<string, unknown>).username).toBe('boss')
    expect(schemaErrors(mastodonValidator('V1Instance'), v1.body)).toEqual([])
    const v2 = await api('/api/v2/instance', null)
    expect(((v2.body.contact as Record<string, unknown>).account as Record<string, unknown>).username).toBe('boss')
    expect(schemaErrors(mastodonValidator('Instance'), v2.body)).toEqual([])
  })
})
