// A verifying firehose consumer as an AppView or relay runs it: @atproto/sync's Firehose with a real
// @atproto/identity IdResolver, checking each commit's signature against the key in the DID
// document it resolves. The DIDs resolve through a PLC directory on loopback (`plcUrl`); handles
// through /.well-known/atproto-did, answered here from `handles` because the names are not public.
// It runs as its own Node process (native ES modules), as the reference libraries need.
// Input (stdin, JSON): { service, cursor, plcUrl, handles: {handle: did}, expectSeq }
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

const { URL, Request, Response, fetch } = globalThis
const fetchForTest = async (url, init) => {
  const u = new URL(url instanceof Request ? url.url : url)
  if (u.pathname === '/.well-known/atproto-did' && input.handles[u.hostname]) return new Response(`${input.handles[u.hostname]}\n`)
  return fetch(url, init)
}
const idResolver = new IdResolver({ plcUrl: input.plcUrl, fetch: fetchForTest, timeout: 2000 })

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
