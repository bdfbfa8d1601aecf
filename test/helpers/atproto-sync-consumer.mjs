// A verifying firehose consumer as an AppView or relay runs it: @atproto/sync's Firehose, checking
// each commit's signature and proofs against the key in the DID document it resolves.
// - With `plcUrl`: a real @atproto/identity IdResolver; DIDs resolve through a PLC directory on
//   loopback, handles through /.well-known/atproto-did, answered here from `handles` because the
//   names are not public.
// - Without: one repository whose DID is registered nowhere, resolved from what the server published
//   (`did`, `didDoc`, `signingKey`, `handle`).
// It runs as its own Node process (native ES modules), as the reference libraries need.
// Input (stdin, JSON): { service, cursor, expectSeq, plcUrl, handles: {handle: did} } or { service, cursor, expectSeq, did, handle, signingKey, didDoc }
// Output (stdout, JSON): { events: [{ event, seq, did, collection?, rkey?, cid?, record?, handle?, active? }], errors: [string] }
import { Firehose, MemoryRunner } from '@atproto/sync'
import { IdResolver } from '@atproto/identity'

const input = JSON.parse(
  await new Promise((resolve) => {
    let text = ''
    process.stdin.on('data', (chunk) => (text += chunk))
    process.stdin.on('end', () => resolve(text))
  }),
)

function plcResolver() {
  const { URL, Request, Response, fetch } = globalThis
  const fetchForTest = async (url, init) => {
    const u = new URL(url instanceof Request ? url.url : url)
    if (u.pathname === '/.well-known/atproto-did' && input.handles[u.hostname]) return new Response(`${input.handles[u.hostname]}\n`)
    return fetch(url, init)
  }
  return new IdResolver({ plcUrl: input.plcUrl, fetch: fetchForTest, timeout: 2000 })
}

function publishedResolver() {
  return {
    did: {
      resolve: async (did) => (did === input.did ? input.didDoc : null),
      resolveAtprotoKey: async (did) => {
        if (did !== input.did) throw new Error(`unknown DID ${did}`)
        return input.signingKey
      },
    },
    handle: { resolve: async (handle) => (handle === input.handle ? input.did : undefined) },
  }
}

const idResolver = input.plcUrl === undefined ? publishedResolver() : plcResolver()

const events = []
const errors = []
const runner = new MemoryRunner({ startCursor: input.cursor })
let done
const finished = new Promise((resolve) => (done = resolve))
const firehose = new Firehose({
  service: input.service,
  idResolver,
  runner,
  unauthenticatedCommits: false,
  unauthenticatedHandles: false,
  handleEvent: async (evt) => {
    events.push({
      event: evt.event,
      seq: evt.seq,
      did: evt.did,
      collection: evt.collection,
      rkey: evt.rkey,
      cid: evt.cid?.toString(),
      record: evt.record === undefined ? undefined : JSON.parse(JSON.stringify(evt.record, (_k, v) => (v && v.asCID ? v.toString() : v))),
      handle: evt.handle,
      active: evt.active,
    })
    if (evt.seq >= input.expectSeq) done()
  },
  onError: (err) => {
    errors.push(`${err.name}: ${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}`)
  },
})
void firehose.start()
const timer = globalThis.setTimeout(() => {
  errors.push('timed out')
  done()
}, 30_000)
await finished
globalThis.clearTimeout(timer)
// Events are handled in parallel across DIDs: let every one already received finish first.
await firehose.destroy()
await runner.processAll()
await runner.destroy()
events.sort((a, b) => a.seq - b.seq)
process.stdout.write(JSON.stringify({ events, errors }))
process.exit(0)
