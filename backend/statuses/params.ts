import { unprocessable } from '../http/errors'

/** Reading Mastodon's status parameters from JSON or form bodies: wrong shapes are a 422, never a 500. */
export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  throw unprocessable(`${name} must be a string`)
}

/** Rails' boolean casting, which Mastodon's parameters follow. */
export function optionalBoolean(params: Record<string, unknown>, name: string): boolean | undefined {
  const v = params[name]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') {
    const s = v.toLowerCase()
    if (['true', '1', 'on', 't', 'yes'].includes(s)) return true
    if (['false', '0', 'off', 'f', 'no'].includes(s)) return false
  }
  throw unprocessable(`${name} must be a boolean`)
}

/** `name[]` from a form, or a JSON array: a list of ids (numbers are accepted as JSON clients send them). */
export function optionalIdList(params: Record<string, unknown>, name: string): string[] | undefined {
  const v = params[name]
  if (v === undefined || v === null) return undefined
  const list = Array.isArray(v) ? (v as unknown[]) : [v]
  return list.map((item) => {
    if (typeof item === 'string' && /^\d{1,20}$/.test(item)) return item
    if (typeof item === 'number' && Number.isSafeInteger(item) && item >= 0) return String(item)
    throw unprocessable(`${name} must be a list of ids`)
  })
}

/** A language code Mastodon accepts (ISO 639-1), or null when absent or unknown (Mastodon falls back to the default). */
export function languageCode(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null
  const code = value.trim().toLowerCase()
  return /^[a-z]{2}$/.test(code) ? code : null
}
