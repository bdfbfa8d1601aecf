import { checkCsrf, csrfToken, setCookie } from '../../backend/auth/cookies'

describe('cookies', () => {
  it('over https: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/', () => {
    const c = setCookie(new Request('https://social.example/auth/login'), 'herd_session', 'abc', 60)
    expect(c).toBe('__Host-herd_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure')
  })

  it('over plain http (local development): no prefix and no Secure, which browsers would refuse there', () => {
    const c = setCookie(new Request('http://127.0.0.1:8788/'), 'herd_session', 'abc', 60)
    expect(c).toBe('herd_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60')
  })

  it('CSRF: the form token must match the cookie, from the same origin', () => {
    const fresh = csrfToken(new Request('https://social.example/auth/login'))
    expect(fresh.setCookie).toMatch(/^__Host-herd_csrf=/)
    const post = (headers: Record<string, string>) => new Request('https://social.example/auth/login/submit', { method: 'POST', headers })
    const cookie = { Cookie: `__Host-herd_csrf=${fresh.token}` }
    expect(() => checkCsrf(post(cookie), fresh.token)).not.toThrow()
    expect(() => checkCsrf(post(cookie), 'other')).toThrow()
    expect(() => checkCsrf(post({}), fresh.token)).toThrow()
    expect(() => checkCsrf(post({ ...cookie, Origin: 'https://evil.example' }), fresh.token)).toThrow()
    expect(csrfToken(post(cookie)).setCookie).toBeNull()
  })
})
