import type { RequestEventLoader } from '@builder.io/qwik-city'
import { csrfToken } from '../../backend/auth/cookies'

/** The CSRF token for a form on this page, setting its cookie on first visit. */
export function formCsrf(ev: RequestEventLoader): string {
  const { token, setCookie } = csrfToken(ev.request)
  if (setCookie !== null) ev.headers.append('Set-Cookie', setCookie)
  ev.headers.set('Cache-Control', 'no-store')
  return token
}

/** An error message carried back in the query after a failed form post (short, shown as text). */
export function formError(ev: RequestEventLoader): string | null {
  const e = ev.url.searchParams.get('error')
  return e === null ? null : e.slice(0, 200)
}

export function withReturnTo(path: string, returnTo: string | null): string {
  return returnTo === null ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`
}
