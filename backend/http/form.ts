import { HttpError } from './errors'

/** A 303 after a form post, so reloading the result page does not post again. */
export function seeOther(location: string, headers: Record<string, string | string[]> = {}): Response {
  const h = new Headers({ Location: location, 'Cache-Control': 'no-store' })
  for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) h.append(k, one)
  return new Response(null, { status: 303, headers: h })
}

/** Sends a browser back to the form with the message of a 4xx, so plain-HTML forms show errors. */
export function backToForm(page: string, err: unknown, keep: Record<string, string | null> = {}): Response {
  if (!(err instanceof HttpError) || err.status >= 500) throw err
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(keep)) if (v !== null && v !== '') q.set(k, v)
  q.set('error', err.message)
  return seeOther(`${page}?${q.toString()}`)
}
