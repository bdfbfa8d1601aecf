import { HttpError } from '../http/errors'
import { equalStrings, randomSecret } from './secrets'

export function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

function secure(request: Request): boolean {
  return new URL(request.url).protocol === 'https:'
}

/** `__Host-` pins the cookie to this host and path / — browsers only accept it over https. */
export function cookieName(request: Request, base: string): string {
  return secure(request) ? `__Host-${base}` : base
}

export function setCookie(request: Request, base: string, value: string, maxAgeSeconds: number): string {
  const attrs = [`${cookieName(request, base)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`]
  if (secure(request)) attrs.push('Secure')
  return attrs.join('; ')
}

const CSRF = 'herd_csrf'

/**
 * Double-submit CSRF token: a random cookie that every sign-in, first-login and consent form
 * repeats in a hidden field. Returns the token for the form and, when new, the Set-Cookie header.
 */
export function csrfToken(request: Request): { token: string; setCookie: string | null } {
  const existing = readCookie(request, cookieName(request, CSRF))
  if (existing !== null && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { token: existing, setCookie: null }
  const token = randomSecret()
  return { token, setCookie: setCookie(request, CSRF, token, 60 * 60 * 24) }
}

/** Refuses a form post whose token does not match its cookie, or that comes from another origin. */
export function checkCsrf(request: Request, formToken: unknown): void {
  const origin = request.headers.get('origin')
  if (origin !== null && origin !== new URL(request.url).origin) throw new HttpError(403, 'Cross-origin form posts are refused')
  const cookie = readCookie(request, cookieName(request, CSRF))
  if (cookie === null || typeof formToken !== 'string' || !equalStrings(cookie, formToken)) {
    throw new HttpError(403, 'The form has expired or did not come from this site: reload the page and try again')
  }
}
