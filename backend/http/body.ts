import { HttpError } from './errors'

export type FormValue = string | File

const MAX_JSON_BYTES = 1_000_000

/**
 * Reads a request body the ways Mastodon clients send it: JSON, url-encoded form or multipart.
 * Malformed bodies are a 400 or 415, never a 500.
 */
export async function readParams(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'application/json' || type.endsWith('+json')) return readJsonObject(request)
  if (type === 'application/x-www-form-urlencoded') return formToParams(new URLSearchParams(await request.text()))
  if (type === 'multipart/form-data') {
    try {
      return formToParams(await request.formData())
    } catch {
      throw new HttpError(400, 'Malformed multipart body')
    }
  }
  const text = await request.text()
  if (text.length === 0) return {}
  throw new HttpError(415, `Unsupported content type: ${type || 'none'}`)
}

export async function readJsonObject(request: Request, maxBytes = MAX_JSON_BYTES): Promise<Record<string, unknown>> {
  const text = await request.text()
  if (text.length > maxBytes) throw new HttpError(413, 'Request body is too large')
  if (text.trim().length === 0) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'Malformed JSON body')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'JSON body must be an object')
  }
  return parsed as Record<string, unknown>
}

/**
 * Turns form fields into params, folding Rails-style names the way Mastodon reads them:
 * `a[]` is a list, `a[b]` a nested object, `a[][b]` a list of objects.
 */
export function formToParams(form: Iterable<[string, FormValue]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of form) {
    const path = parseFieldName(name)
    assign(out, path, value)
  }
  return out
}

function parseFieldName(name: string): string[] {
  const head = name.split('[', 1)[0] ?? name
  const rest = [...name.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')
  return [head, ...rest]
}

function assign(target: Record<string, unknown>, path: string[], value: FormValue): void {
  const [key, ...rest] = path
  if (key === undefined || key === '__proto__' || key === 'constructor' || key === 'prototype') return
  if (rest.length === 0) {
    target[key] = value
    return
  }
  if (rest[0] === '') {
    const list = Array.isArray(target[key]) ? (target[key] as unknown[]) : []
    target[key] = list
    if (rest.length === 1) {
      list.push(value)
      return
    }
    // `a[][k]=1&a[][j]=2&a[][k]=3`: Rails starts a new hash when the key is already in the last one.
    const last = list[list.length - 1]
    const field = rest[1] ?? ''
    const open = typeof last === 'object' && last !== null && !Array.isArray(last) && !(field in last) ? (last as Record<string, unknown>) : null
    const entry = open ?? {}
    if (open === null) list.push(entry)
    assign(entry, rest.slice(1), value)
    return
  }
  const child = target[key]
  const next: Record<string, unknown> = typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {}
  target[key] = next
  assign(next, rest, value)
}
