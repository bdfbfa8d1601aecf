// The Cloudflare KV REST API behind the KVStore interface, for CI. The state namespace is not
// managed by Terraform (it holds Terraform's own state), so it is found or created here by title.
import type { KVStore } from './store.ts'

const API = 'https://api.cloudflare.com/client/v4'

interface Envelope<T> {
  success: boolean
  errors?: Array<{ code: number; message: string }>
  result: T
  result_info?: { total_pages?: number }
}

export class RestKV implements KVStore {
  private readonly base: string
  private readonly token: string
  constructor(accountId: string, namespaceId: string, token: string) {
    this.base = `${API}/accounts/${accountId}/storage/kv/namespaces/${namespaceId}/values/`
    this.token = token
  }

  private async call(key: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + encodeURIComponent(key), { ...init, headers: { authorization: `Bearer ${this.token}`, ...init.headers } })
    return res
  }

  async get(key: string): Promise<string | null> {
    const res = await this.call(key)
    if (res.status === 404) return null
    if (!res.ok) throw new Error(`KV get ${key}: HTTP ${res.status} ${await res.text()}`)
    return res.text()
  }

  async put(key: string, value: string): Promise<void> {
    const res = await this.call(key, { method: 'PUT', body: value, headers: { 'content-type': 'text/plain' } })
    if (!res.ok) throw new Error(`KV put ${key}: HTTP ${res.status} ${await res.text()}`)
  }

  async delete(key: string): Promise<void> {
    const res = await this.call(key, { method: 'DELETE' })
    if (!res.ok && res.status !== 404) throw new Error(`KV delete ${key}: HTTP ${res.status} ${await res.text()}`)
  }
}

async function api<T>(token: string, path: string, init: RequestInit = {}): Promise<Envelope<T>> {
  const res = await fetch(API + path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } })
  const body = (await res.json()) as Envelope<T>
  if (!res.ok || !body.success) throw new Error(`Cloudflare API ${path}: HTTP ${res.status} ${JSON.stringify(body.errors ?? [])}`)
  return body
}

/** The id of the KV namespace titled `title`, created if it does not exist. */
export async function ensureNamespace(accountId: string, token: string, title: string): Promise<string> {
  for (let page = 1; ; page++) {
    const body = await api<Array<{ id: string; title: string }>>(token, `/accounts/${accountId}/storage/kv/namespaces?per_page=100&page=${page}`)
    const found = body.result.find((n) => n.title === title)
    if (found) return found.id
    if (body.result.length < 100) break
  }
  const created = await api<{ id: string }>(token, `/accounts/${accountId}/storage/kv/namespaces`, { method: 'POST', body: JSON.stringify({ title }) })
  return created.result.id
}
