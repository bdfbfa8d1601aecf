// One loopback server for the Bluesky bridge's outside world: a PLC directory (at /) that checks
// operations as plc.directory does and serves the DID documents they describe, a relay (/relay)
// that records requestCrawl, and a DNS-over-HTTPS resolver (/dns) answering TXT records from a map.
// The atproto tests start it in-process; for `npm start`, run it on its own (memory only):
//   node scripts/dev/atproto-loopback.ts 8790
// and start the stack with the variables it prints, so opting in never reaches plc.directory.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { verifySignature } from '@atproto/crypto'
import { cborEncode, cidForLex } from '@atproto/lex-cbor'

export interface Received {
  path: string
  body: Record<string, unknown>
}

export interface PlcOperation extends Record<string, unknown> {
  type: string
  rotationKeys: string[]
  verificationMethods: Record<string, string>
  alsoKnownAs: string[]
  services: Record<string, { type: string; endpoint: string }>
  prev: string | null
  sig: string
}

export interface Loopback {
  /** http://127.0.0.1:<port>: the PLC directory is at the root, the relay at `${base}/relay`, DNS at `${base}/dns`. */
  base: string
  /** The bindings a stack needs to use this server. */
  bindings: Record<string, string>
  /** Every operation the directory accepted, in order. */
  plcOps: Received[]
  /** Every operation the directory refused, with the reason. */
  plcRefused: Array<Received & { reason: string }>
  crawls: Received[]
  /** TXT records by name, for the DNS resolver. */
  txt: Map<string, string>
  /** Makes the directory refuse every operation (as if it were unhappy with them). */
  refuseAll: boolean
  close(): Promise<void>
}

function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = ''
  for (const b of bytes) bits += b.toString(2).padStart(8, '0')
  let out = ''
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)]
  return out
}

/** did:plc: + base32 of the SHA-256 of the signed genesis operation, cut to 24 characters. */
export function plcDidOf(genesis: Record<string, unknown>): string {
  return `did:plc:${base32(createHash('sha256').update(cborEncode(genesis as never)).digest()).slice(0, 24)}`
}

/** Checks an operation's signature against a rotation key, as the directory does. */
export async function signedBy(op: Record<string, unknown>, rotationKey: string): Promise<boolean> {
  const { sig, ...unsigned } = op
  try {
    return await verifySignature(rotationKey, cborEncode(unsigned as never), new Uint8Array(Buffer.from(String(sig), 'base64url')))
  } catch {
    return false
  }
}

function wellFormed(op: Record<string, unknown>): op is PlcOperation {
  return (
    op.type === 'plc_operation' &&
    Array.isArray(op.rotationKeys) &&
    op.rotationKeys.length > 0 &&
    typeof op.verificationMethods === 'object' &&
    Array.isArray(op.alsoKnownAs) &&
    typeof op.services === 'object' &&
    (op.prev === null || typeof op.prev === 'string') &&
    typeof op.sig === 'string'
  )
}

/** The DID document plc.directory serves for a DID's latest operation. */
export function didDocument(did: string, op: PlcOperation): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1', 'https://w3id.org/security/suites/secp256k1-2019/v1'],
    id: did,
    alsoKnownAs: op.alsoKnownAs,
    verificationMethod: Object.entries(op.verificationMethods).map(([id, key]) => ({
      id: `${did}#${id}`,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: key.replace(/^did:key:/, ''),
    })),
    service: Object.entries(op.services).map(([id, s]) => ({ id: `#${id}`, type: s.type, serviceEndpoint: s.endpoint })),
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Listens on 127.0.0.1:`port` (any free port by default); `log` hears what the directory and relay were sent. */
export async function startLoopback(port = 0, log: (line: string) => void = () => {}): Promise<Loopback> {
  const logs = new Map<string, PlcOperation[]>()

  /** Why the directory refuses `op` for `did`, or null when it takes it. */
  async function check(did: string, op: Record<string, unknown>): Promise<string | null> {
    if (!wellFormed(op)) return 'malformed operation'
    const log = logs.get(did) ?? []
    const head = log.at(-1)
    if (head === undefined) {
      if (op.prev !== null) return 'the first operation must have prev: null'
      if (plcDidOf(op) !== did) return 'the DID is not the hash of the genesis operation'
      return (await signedBy(op, op.rotationKeys[0] as string)) ? null : 'invalid signature'
    }
    if (op.prev !== (await cidForLex(head as never)).toString()) return 'prev is not the latest operation'
    for (const key of head.rotationKeys) if (await signedBy(op, key)) return null
    return 'not signed by a rotation key of the latest operation'
  }

  const loop: Omit<Loopback, 'base' | 'bindings' | 'close'> = { plcOps: [], plcRefused: [], crawls: [], txt: new Map(), refuseAll: false }
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://loopback')
      const body = await readBody(req)
      const json = (status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value))
      // At the root, like plc.directory: @atproto/identity resolves new URL('/<did>', plcUrl), with the
      // colons percent-encoded.
      const plcDid = /^\/(did:plc:[a-z2-7]{24})$/.exec(decodeURIComponent(url.pathname))?.[1]
      if (req.method === 'POST' && plcDid !== undefined) {
        let op: Record<string, unknown> = {}
        try {
          op = JSON.parse(body) as Record<string, unknown>
        } catch {
          // Refused below as malformed.
        }
        const reason = loop.refuseAll ? 'Invalid signature on op' : await check(plcDid, op)
        if (reason !== null) {
          loop.plcRefused.push({ path: plcDid, body: op, reason })
          log(`plc: refused an operation for ${plcDid}: ${reason}`)
          return json(400, { message: reason })
        }
        logs.set(plcDid, [...(logs.get(plcDid) ?? []), op as PlcOperation])
        loop.plcOps.push({ path: plcDid, body: op })
        log(`plc: accepted ${op.prev === null ? 'the genesis' : 'an update'} of ${plcDid} (${(op.alsoKnownAs as string[]).join(', ')})`)
        return res.writeHead(200).end()
      }
      if (req.method === 'GET' && plcDid !== undefined) {
        const head = logs.get(plcDid)?.at(-1)
        return head === undefined ? json(404, { message: `DID not registered: ${plcDid}` }) : json(200, didDocument(plcDid, head))
      }
      if (req.method === 'POST' && url.pathname === '/relay/xrpc/com.atproto.sync.requestCrawl') {
        loop.crawls.push({ path: url.pathname, body: JSON.parse(body) as Record<string, unknown> })
        log(`relay: requestCrawl ${body}`)
        return json(200, {})
      }
      if (url.pathname === '/dns') {
        const name = url.searchParams.get('name') ?? ''
        const value = loop.txt.get(name)
        const answer = value === undefined ? [] : [{ name, type: 16, TTL: 60, data: `"${value}"` }]
        return res.writeHead(200, { 'Content-Type': 'application/dns-json' }).end(JSON.stringify({ Status: 0, Answer: answer }))
      }
      res.writeHead(404).end()
    })()
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(loop, {
    base,
    bindings: {
      HERD_DEV_ALLOW_HOSTS: new URL(base).host,
      ATPROTO_PLC_URL: base,
      ATPROTO_RELAYS: `${base}/relay`,
      ATPROTO_DNS_RESOLVER: `${base}/dns`,
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}

if (process.argv[1]?.endsWith('atproto-loopback.ts')) {
  // No top-level await: jest loads this file as CommonJS.
  void startLoopback(Number(process.argv[2] ?? 0), (line) => console.log(line)).then((loopback) => {
    console.log(`PLC directory, relay and DNS on ${loopback.base}. Start the stack with:`)
    console.log(`${Object.entries(loopback.bindings).map(([k, v]) => `${k}=${v}`).join(' ')} npm start`)
  })
}
