// Consumes Herd's firehose with the reference consumer, @atproto/sync's Firehose, verifying every
// commit's signature and proofs. It runs as its own Node process (native ES modules), because
// the reference libraries do not load under jest's CommonJS runtime.
// Input (stdin, JSON): { service, cursor, did, handle, signingKey, didDoc, expectSeq }
// Output (stdout, JSON): { events: [{ event, seq, did, collection?, rkey?, handle? }], errors: [string] }
import { Firehose, MemoryRunner } from '@atproto/sync'

const input = JSON.parse(await new Promise((resolve) => {
  let text = ''
  process.stdin.on('data', (chunk) => (text += chunk))
  process.stdin.on('end', () => resolve(text))
}))

// The DID is not registered anywhere public: resolution answers from what the server published.
const idResolver = {
  did: {
    resolve: async (did) => (did === input.did ? input.didDoc : null),
    resolveAtprotoKey: async (did) => {
      if (did !== input.did) throw new Error(`unknown DID ${did}`)
      return input.signingKey
    },
  },
  handle: { resolve: async (handle) => (handle === input.handle ? input.did : undefined) },
}

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
    events.push({ event: evt.event, seq: evt.seq, did: evt.did, collection: evt.collection, rkey: evt.rkey, handle: evt.handle })
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
}, 20_000)
await finished
globalThis.clearTimeout(timer)
await firehose.destroy()
await runner.destroy()
process.stdout.write(JSON.stringify({ events, errors }))
process.exit(0)
