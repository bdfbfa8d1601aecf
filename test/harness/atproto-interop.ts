// Runs the atproto interop vectors through the same libraries, bundled the same way, that the
// RepoObject uses, inside workerd. The test sends the fixtures and compares the answers.
import { BlockMap, MST, MemoryBlockstore, mstUtil } from '@atproto/repo'
import { verifySignature } from '@atproto/crypto'
import { jsonToIpld } from '@atproto/common-web'
import { cborEncode, cidForLex } from '@atproto/lex-cbor'
import { parseCid, type LexValue } from '@atproto/lex-data'
import { isAtIdentifierString, isAtUriString, isDatetimeString, isValidDid, isValidHandle, isValidLanguage, isValidNsid, isValidRecordKey, isValidTid, isValidUri } from '@atproto/syntax'

const SYNTAX: Record<string, (value: string) => boolean> = {
  atidentifier: (v) => isAtIdentifierString(v),
  aturi: (v) => isAtUriString(v, { strict: true }),
  // The lexicon `cid` string format is a syntax check: any multibase CID, never CIDv0 (the
  // libraries only parse; the syntax rule is the spec's).
  cid: (v) => /^[a-zA-Z0-9+=]{8,256}$/.test(v) && !v.startsWith('Qmb'),
  datetime: (v) => isDatetimeString(v),
  did: (v) => isValidDid(v),
  handle: (v) => isValidHandle(v),
  language: (v) => isValidLanguage(v),
  nsid: (v) => isValidNsid(v),
  recordkey: (v) => isValidRecordKey(v),
  tid: (v) => isValidTid(v),
  uri: (v) => isValidUri(v),
}

interface CommitProofFixture {
  leafValue: string
  keys: string[]
  adds: string[]
  dels: string[]
}

export interface InteropRequest {
  dataModel?: unknown[]
  keyHeights?: string[]
  prefixes?: Array<[string, string]>
  signatures?: Array<{ publicKeyDid: string; messageBase64: string; signatureBase64: string }>
  commitProofs?: CommitProofFixture[]
  /** Syntax kind (file name prefix in the vectors) to the strings to check. */
  syntax?: Record<string, string[]>
}

export async function runInterop(req: InteropRequest): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  if (req.dataModel) {
    out.dataModel = await Promise.all(
      req.dataModel.map(async (json) => {
        const value = jsonToIpld(json) as LexValue
        return { cbor: b64(cborEncode(value)), cid: (await cidForLex(value)).toString() }
      }),
    )
  }
  if (req.keyHeights) out.keyHeights = await Promise.all(req.keyHeights.map((k) => mstUtil.leadingZerosOnHash(k)))
  if (req.prefixes) out.prefixes = req.prefixes.map(([a, b]) => mstUtil.countPrefixLen(a, b))
  if (req.signatures) {
    out.signatures = await Promise.all(
      req.signatures.map(async (s) => {
        try {
          return await verifySignature(s.publicKeyDid, unb64(s.messageBase64), unb64(s.signatureBase64))
        } catch {
          return false
        }
      }),
    )
  }
  if (req.syntax) {
    out.syntax = Object.fromEntries(
      Object.entries(req.syntax).map(([kind, values]) => {
        const check = SYNTAX[kind]
        return [kind, values.map((v) => (check === undefined ? null : safe(() => check(v))))]
      }),
    )
  }
  if (req.commitProofs) out.commitProofs = await Promise.all(req.commitProofs.map(commitProof))
  return out
}

/**
 * Applies a fixture's commit, collects the covering proof of each op (as the firehose does),
 * then inverts the commit on a tree that holds only those proof blocks.
 */
async function commitProof(f: CommitProofFixture): Promise<Record<string, unknown>> {
  const leaf = parseCid(f.leafValue)
  const storage = new MemoryBlockstore()
  let tree = await MST.create(storage)
  for (const key of f.keys) tree = await tree.add(key, leaf)
  const before = await tree.getPointer()
  await storeAll(storage, tree)
  let after = tree
  for (const key of f.adds) after = await after.add(key, leaf)
  for (const key of f.dels) after = await after.delete(key)
  const root = await after.getPointer()
  await storeAll(storage, after)
  const proof = new BlockMap()
  for (const key of [...f.adds, ...f.dels]) proof.addMap(await after.getCoveringProof(key))

  const partial = new MemoryBlockstore(proof)
  let inverted = MST.load(partial, root)
  let invertError: string | null = null
  try {
    for (const key of f.adds) inverted = await inverted.delete(key)
    for (const key of f.dels) inverted = await inverted.add(key, leaf)
  } catch (err) {
    invertError = err instanceof Error ? err.message : String(err)
  }
  return {
    rootBefore: before.toString(),
    rootAfter: root.toString(),
    proofCids: proof.cids().map((c) => c.toString()).sort(),
    inverted: invertError === null ? (await inverted.getPointer()).toString() : null,
    invertError,
  }
}

async function storeAll(storage: MemoryBlockstore, tree: MST): Promise<void> {
  const { blocks } = await tree.getUnstoredBlocks()
  await storage.putMany(blocks)
}

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, '')
}

function unb64(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

function safe(check: () => boolean): boolean {
  try {
    return check()
  } catch {
    return false
  }
}
