import type { Stack } from './stack'
import { registeredUserToken, userToken } from './auth'

export interface Person {
  token: string
  id: string
}

/** The instance's first person (the owner, through the browser login) and more people registered through the API. */
export async function people(stack: Stack, first: string, ...others: string[]): Promise<Person[]> {
  const a = await userToken(stack, first)
  const me = await stack.fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${a.token}` } })
  const out = [{ token: a.token, id: String(((await me.json()) as { id: string }).id) }]
  for (const name of others) {
    const r = await registeredUserToken(stack, name)
    out.push({ token: r.token, id: r.accountId })
  }
  return out
}

/** A JSON call to the API, optionally with a bearer token and a JSON body. */
export async function callApi(stack: Stack, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await stack.fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  return { status: res.status, body: (await res.json()) as unknown, headers: res.headers }
}

/** The path and query of a page's `Link` relation, or null. */
export function linkPath(headers: Headers, rel: 'next' | 'prev'): string | null {
  const m = new RegExp(`<([^>]+)>; rel="${rel}"`).exec(headers.get('link') ?? '')
  return m?.[1] ? new URL(m[1]).pathname + new URL(m[1]).search : null
}
