// ATProto bench: signed commits per second into the RepoObject, and firehose replay frames per
// second from cursor 0. Standalone: `node scripts/build.ts && node bench/atproto.ts`
// (ATPROTO_BENCH_COMMITS sets the number of commits; default 10000).
// It runs the DO Worker and the test harness Worker in workerd, no Pages: commits go through
// the harness's RepoObject RPC, the replay is a real WebSocket to the object.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import WebSocket from 'ws'
import { ROOT, toolEnv } from '../scripts/lib.ts'
import { benchWorkers } from './workers.ts'

Object.assign(process.env, toolEnv())
const COMMITS = Number(process.env.ATPROTO_BENCH_COMMITS ?? '10000')
const CONCURRENCY = 8
const DID = 'did:plc:benchaaaaaaaaaaaaaaaaaaa'

if (!existsSync(join(ROOT, '.build', 'do', 'index.js'))) throw new Error('Run `node scripts/build.ts` first.')

const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  workers: benchWorkers({
    r2Buckets: { MEDIA: 'herd-media' },
    // The harness seals each repository's signing key; a fixed key, for benchmarks only.
    bindings: { HERD_KEK: Buffer.alloc(32, 7).toString('base64') },
    durableObjects: { REPO: { className: 'RepoObject', scriptName: 'herd-do' } },
  }),
})

try {
  const url = await mf.ready
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
    return res.json()
  }
  await post('/atproto/create-repo', { did: DID, handle: 'bench.herd.example.com' })

  // Commits are serialized inside the object; several callers keep it busy.
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COMMITS) {
        const i = next++
        await post('/atproto/apply-writes', {
          did: DID,
          writes: [{ action: 'create', collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: `bench post ${i}`, createdAt: new Date().toISOString() } }],
        })
      }
    }),
  )
  const commitSeconds = (performance.now() - started) / 1000
  console.log(`atproto commits: ${COMMITS} single-record commits in ${commitSeconds.toFixed(2)} s = ${(COMMITS / commitSeconds).toFixed(0)} commits/s`)

  const expected = COMMITS + 3 // #identity, #account, #sync, then one #commit each
  const wsUrl = new URL('/atproto/subscribe?cursor=0', url)
  wsUrl.protocol = 'ws:'
  const replay = (): Promise<{ frames: number; bytes: number }> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl.href)
      let frames = 0
      let bytes = 0
      ws.on('message', (data: Buffer) => {
        frames++
        bytes += data.length
        if (frames === expected) {
          ws.close()
          resolve({ frames, bytes })
        }
      })
      ws.on('error', reject)
    })
  // The first replay reads the log from storage cold; the second shows the steady rate.
  for (const run of ['first', 'second']) {
    const replayStarted = performance.now()
    const { frames, bytes } = await replay()
    const replaySeconds = (performance.now() - replayStarted) / 1000
    console.log(
      `atproto replay (${run}): ${frames} frames (${(bytes / 1e6).toFixed(1)} MB) from cursor 0 in ${replaySeconds.toFixed(2)} s = ${(frames / replaySeconds).toFixed(0)} frames/s`,
    )
  }
} finally {
  await mf.dispose()
}
