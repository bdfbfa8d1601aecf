// Handles: ours (`username.<instance domain>`, answered by /.well-known/atproto-did on that host
// name) and custom ones, which are the owner's to prove with DNS or their own well-known file.
import type { Db } from '../db/client'
import type { Env } from '../env'
import { policyFromEnv, safeFetch } from '../federation/safe-fetch'

export const DEFAULT_DNS_RESOLVER = 'https://cloudflare-dns.com/dns-query'

/** The DID of the active bridged account whose handle is this host name, for /.well-known/atproto-did. */
export async function didForHandle(db: Db, host: string): Promise<string | null> {
  const row = await db.selectFrom('atproto_accounts').select('did').where('handle', '=', host.toLowerCase()).where('active', '=', 1).executeTakeFirst()
  return row?.did ?? null
}

type HandleEnv = Pick<Env, 'ATPROTO_DNS_RESOLVER' | 'HERD_DEV_ALLOW_HOSTS'>

/** Either method proves the handle (the atproto handle spec): DNS TXT first, then https. */
export async function verifyHandle(env: HandleEnv, handle: string, did: string): Promise<boolean> {
  return (await dnsSaysDid(env, handle, did)) || (await wellKnownSaysDid(env, handle, did))
}

/** `_atproto.<handle>` TXT = `did=<did>`, asked of a DNS-over-HTTPS resolver's JSON API. */
async function dnsSaysDid(env: HandleEnv, handle: string, did: string): Promise<boolean> {
  const resolver = env.ATPROTO_DNS_RESOLVER ?? DEFAULT_DNS_RESOLVER
  try {
    const url = `${resolver}?${new URLSearchParams({ name: `_atproto.${handle}`, type: 'TXT' })}`
    const res = await safeFetch(url, { headers: { Accept: 'application/dns-json' } }, policyFromEnv(env, { maxBytes: 64 * 1024, timeoutMs: 5000 }))
    if (res.status !== 200) return false
    const body = JSON.parse(new TextDecoder().decode(res.body)) as { Answer?: Array<{ type?: number; data?: string }> }
    // TXT (type 16) data arrives quoted, possibly split in several quoted strings.
    const values = (body.Answer ?? []).filter((a) => a.type === 16 && typeof a.data === 'string').map((a) => (a.data ?? '').replace(/"\s*"/g, '').replace(/^"|"$/g, ''))
    const dids = values.filter((v) => v.startsWith('did=')).map((v) => v.slice(4))
    // More than one DID claim is ambiguous, and the spec says to treat it as none.
    return dids.length === 1 && dids[0] === did
  } catch {
    return false
  }
}

async function wellKnownSaysDid(env: HandleEnv, handle: string, did: string): Promise<boolean> {
  try {
    const res = await safeFetch(`https://${handle}/.well-known/atproto-did`, {}, policyFromEnv(env, { maxBytes: 2048, timeoutMs: 5000 }))
    return res.status === 200 && new TextDecoder().decode(res.body).trim() === did
  } catch {
    return false
  }
}
