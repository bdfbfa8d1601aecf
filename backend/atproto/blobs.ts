import { cidForRawBytes } from '@atproto/lex-data'
import type { Env } from '../env'
import type { BlobEntry, RepoResult } from '../../do/repo/types'
import { repoObject } from './repos'

export function blobKey(did: string, cid: string): string {
  return `atproto/blobs/${did}/${cid}`
}

/** Stores a blob's bytes in R2 under its raw CID and lists it in the repository's blob index. */
export async function putBlob(env: Pick<Env, 'MEDIA' | 'REPO'>, did: string, bytes: Uint8Array, mimeType: string): Promise<RepoResult<BlobEntry>> {
  const cid = (await cidForRawBytes(bytes)).toString()
  await env.MEDIA.put(blobKey(did, cid), bytes, { httpMetadata: { contentType: mimeType } })
  return repoObject(env).registerBlob(did, cid, mimeType, bytes.length)
}
