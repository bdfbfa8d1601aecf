import type { Stack } from './stack'

export interface ApiResult {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  headers: Headers
}

/** A Mastodon API client for tests: JSON in, JSON out, with an optional bearer token. */
export function apiClient(stack: Stack, token?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult> => {
    const res = await stack.fetch(path, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown), headers: res.headers }
  }
}

export type Api = ReturnType<typeof apiClient>

/** Row counts of the tables a status write touches, to prove that a refused request changed nothing. */
export async function rowCounts(db: D1Database): Promise<Record<string, number>> {
  const tables = ['statuses', 'status_mentions', 'status_tags', 'tags', 'home_feed', 'notifications', 'idempotency_keys', 'favourites', 'bookmarks', 'status_pins', 'status_mutes', 'status_edits']
  const out: Record<string, number> = {}
  for (const t of tables) out[t] = (await db.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>())?.n ?? 0
  const attached = await db.prepare('SELECT count(*) AS n FROM media_attachments WHERE status_id IS NOT NULL').first<{ n: number }>()
  out.attached_media = attached?.n ?? 0
  return out
}

export interface Person {
  id: string
  token: string
  api: Api
}

/**
 * The people most status tests need: alice, the instance's first (admin) user, and others
 * registered through the API, each with a token for `read write follow`.
 */
export async function people<N extends string[]>(stack: Stack, ...others: N): Promise<{ alice: Person; others: { [K in keyof N]: Person }; anon: Api }> {
  const { userToken, registeredUserToken } = await import('./auth')
  const a = await userToken(stack, 'alice', 'read write follow')
  const alice = { token: a.token, api: apiClient(stack, a.token), id: '' }
  alice.id = (await alice.api('GET', '/api/v1/accounts/verify_credentials')).body.id
  const rest: Person[] = []
  for (const name of others) {
    const r = await registeredUserToken(stack, name)
    rest.push({ id: r.accountId, token: r.token, api: apiClient(stack, r.token) })
  }
  return { alice, others: rest as { [K in keyof N]: Person }, anon: apiClient(stack) }
}

/**
 * The instance's first person (the owner, through the browser login) and more people registered
 * through the API, by the names given: the same as `people`, as a list of tokens and ids.
 */
export async function peopleNamed(stack: Stack, first: string, ...others: string[]): Promise<Array<{ token: string; id: string }>> {
  const { userToken, registeredUserToken } = await import('./auth')
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
