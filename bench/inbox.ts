// Inbox intake for the bench: signed POSTs to the shared inbox, each a distinct Like from a seeded remote actor
// whose key is cached in D1 (so intake does no fetch: read, parse, verify, bind, enqueue, 202). Requests are
// signed here in Node (draft-cavage rsa-sha256 over (request-target) host date digest, as Mastodon signs).
import { createHash, createSign, generateKeyPairSync } from 'node:crypto'
import autocannon from 'autocannon'
import { run, toolEnv } from '../scripts/lib.ts'

const ACTOR = 'https://bench-remote.example/users/sender'
const KEY_ID = `${ACTOR}#main-key`

export interface InboxSender {
  privateKeyPem: string
}

/** Stores the remote sender with its public key, fresh, so intake resolves the key from D1. */
export async function seedInboxSender(persist: string): Promise<InboxSender> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const command = `INSERT OR REPLACE INTO accounts (id, username, domain, uri, url, inbox_url, key_id, public_key_pem, fetched_at)
    VALUES ('990000000000000001', 'sender', 'bench-remote.example', '${ACTOR}', '${ACTOR}', '${ACTOR}/inbox', '${KEY_ID}', '${pem}', '${new Date().toISOString()}')`
  await run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', persist, '--command', command], { env: toolEnv({ CI: 'true' }), stdio: 'ignore' })
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

function signedLike(url: URL, sender: InboxSender, n: number): { method: 'POST'; path: string; headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id: `${ACTOR}#likes/${n}`, type: 'Like', actor: ACTOR, object: 'https://bench-remote.example/statuses/1' })
  const date = new Date().toUTCString()
  const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`
  const base = `(request-target): post ${url.pathname}\nhost: ${url.host}\ndate: ${date}\ndigest: ${digest}`
  const signature = createSign('RSA-SHA256').update(base).sign(sender.privateKeyPem, 'base64')
  return {
    method: 'POST',
    path: url.pathname,
    headers: {
      'content-type': 'application/activity+json',
      date,
      digest,
      signature: `keyId="${KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"`,
    },
    body,
  }
}

export interface IntakeResult {
  p50: number
  p99: number
  acceptedPerSecond: number
  non202: number
  rowsRead: string
  /** The same, once the sender's key and host are in the cache (backend/federation/intake-cache.ts). */
  rowsReadWarm: string
  queriesWarm: string
}

/** POSTs `amount` distinct signed activities to /inbox over `connections` connections. */
export async function measureInbox(baseUrl: string, amount: number, connections: number, sender: InboxSender): Promise<IntakeResult> {
  const url = new URL('/inbox', baseUrl)
  const probe = signedLike(url, sender, -1)
  const first = await fetch(url, { method: 'POST', headers: probe.headers, body: probe.body })
  if (first.status !== 202) throw new Error(`inbox intake answered ${first.status}: ${await first.text()}`)
  const rowsRead = first.headers.get('x-herd-d1-rows-read') ?? '?'
  // Warm-up, then the measured run; every request is its own activity, signed just before the run.
  await autocannon({ url: baseUrl, connections, amount: Math.min(200, amount), requests: [signedLike(url, sender, -2)] })
  const requests = Array.from({ length: amount }, (_, i) => signedLike(url, sender, i))
  let next = 0
  const result = await autocannon({
    url: baseUrl,
    connections,
    amount,
    requests: [{ method: 'POST', path: url.pathname, setupRequest: (req) => ({ ...req, ...requests[next++ % requests.length] }) }],
  })
  const accepted = result['2xx']
  const again = signedLike(url, sender, -3)
  const warm = await fetch(url, { method: 'POST', headers: again.headers, body: again.body })
  await warm.arrayBuffer()
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    acceptedPerSecond: accepted / (result.duration || 1),
    non202: result.non2xx + result.errors,
    rowsRead,
    rowsReadWarm: warm.headers.get('x-herd-d1-rows-read') ?? '?',
    queriesWarm: warm.headers.get('x-herd-d1-queries') ?? '?',
  }
}
