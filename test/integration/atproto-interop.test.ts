import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startStack, type Stack } from '../helpers/stack'

// The interop vectors, run inside workerd through the libraries the RepoObject is built on.
const SPEC = join(process.cwd(), '..', 'shared', 'spec', 'atproto-interop')
const fixture = <T>(path: string): T => JSON.parse(readFileSync(join(SPEC, path), 'utf8')) as T
const lines = (path: string): string[] =>
  readFileSync(join(SPEC, path), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'))

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.dispose()
})

async function interop<T>(body: Record<string, unknown>): Promise<T> {
  const res = await stack.harness('/atproto/interop', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status).toBe(200)
  return (await res.json()) as T
}

test('data-model fixtures encode to identical DAG-CBOR bytes and CIDs', async () => {
  const fixtures = fixture<Array<{ json: unknown; cbor_base64: string; cid: string }>>('data-model/data-model-fixtures.json')
  const { dataModel } = await interop<{ dataModel: Array<{ cbor: string; cid: string }> }>({ dataModel: fixtures.map((f) => f.json) })
  expect(dataModel).toHaveLength(fixtures.length)
  fixtures.forEach((f, i) => {
    expect(dataModel[i]).toEqual({ cbor: f.cbor_base64, cid: f.cid })
  })
})

test('MST key heights and common prefix lengths match the vectors', async () => {
  const heights = fixture<Array<{ key: string; height: number }>>('mst/key_heights.json')
  const prefixes = fixture<Array<{ left: string; right: string; len: number }>>('mst/common_prefix.json')
  const out = await interop<{ keyHeights: number[]; prefixes: number[] }>({
    keyHeights: heights.map((h) => h.key),
    prefixes: prefixes.map((p) => [p.left, p.right]),
  })
  expect(out.keyHeights).toEqual(heights.map((h) => h.height))
  expect(out.prefixes).toEqual(prefixes.map((p) => p.len))
})

test('signature fixtures: low-S compact signatures verify; high-S and DER are rejected', async () => {
  const fixtures = fixture<Array<{ publicKeyDid: string; messageBase64: string; signatureBase64: string; validSignature: boolean; tags: string[] }>>(
    'crypto/signature-fixtures.json',
  )
  expect(fixtures.some((f) => f.tags.includes('high-s'))).toBe(true)
  expect(fixtures.some((f) => f.tags.includes('der-encoded'))).toBe(true)
  const { signatures } = await interop<{ signatures: boolean[] }>({ signatures: fixtures })
  expect(signatures).toEqual(fixtures.map((f) => f.validSignature))
})

test('commit-proof fixtures: roots, proof blocks, and inverting each commit from its proof alone', async () => {
  const fixtures = fixture<
    Array<{ comment: string; leafValue: string; keys: string[]; adds: string[]; dels: string[]; rootBeforeCommit: string; rootAfterCommit: string; blocksInProof: string[] }>
  >('firehose/commit-proof-fixtures.json')
  const { commitProofs } = await interop<{
    commitProofs: Array<{ rootBefore: string; rootAfter: string; proofCids: string[]; inverted: string | null; invertError: string | null }>
  }>({ commitProofs: fixtures })
  fixtures.forEach((f, i) => {
    const got = commitProofs[i]
    expect({ comment: f.comment, ...got }).toEqual({
      comment: f.comment,
      rootBefore: f.rootBeforeCommit,
      rootAfter: f.rootAfterCommit,
      proofCids: [...f.blocksInProof].sort(),
      inverted: f.rootBeforeCommit,
      invertError: null,
    })
  })
})

test('syntax lists: every valid string passes and every invalid one fails', async () => {
  // Not 'language' and 'uri': nothing in the repository checks language tags or generic URIs,
  // and @atproto/syntax disagrees with a few of those vectors ("jaja", "JA"; over-long URIs,
  // "content-type:text/plan").
  const kinds = ['atidentifier', 'aturi', 'cid', 'datetime', 'did', 'handle', 'nsid', 'recordkey', 'tid']
  const request: Record<string, string[]> = {}
  for (const kind of kinds) request[kind] = [...lines(`syntax/${kind}_syntax_valid.txt`), ...lines(`syntax/${kind}_syntax_invalid.txt`)]
  const { syntax } = await interop<{ syntax: Record<string, boolean[]> }>({ syntax: request })
  for (const kind of kinds) {
    const valid = lines(`syntax/${kind}_syntax_valid.txt`)
    const invalid = lines(`syntax/${kind}_syntax_invalid.txt`)
    const expected = [...valid.map(() => true), ...invalid.map(() => false)]
    const wrong = (request[kind] ?? []).filter((_, i) => syntax[kind]?.[i] !== expected[i])
    expect({ kind, wrong }).toEqual({ kind, wrong: [] })
  }
})
