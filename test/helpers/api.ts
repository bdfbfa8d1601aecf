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
