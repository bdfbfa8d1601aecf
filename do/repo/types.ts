// What RepoObject's callers send and get back over RPC. Values are JSON-safe (records in the
// atproto JSON form, with `$link` and `$bytes`), so they survive structured cloning.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export type WriteAction = 'create' | 'update' | 'delete'

export interface WriteInput {
  action: WriteAction
  collection: string
  /** Generated (a TID) when a create leaves it out. */
  rkey?: string
  record?: unknown
}

export interface WriteResult {
  uri: string
  cid: string | null
}

export interface CommitResult {
  cid: string
  rev: string
  seq: number
  results: WriteResult[]
}

/** An XRPC error name and message; the caller picks the HTTP status. */
export interface RepoFailure {
  ok: false
  error: string
  message: string
}

export type RepoResult<T> = { ok: true; value: T } | RepoFailure

export interface RepoInfo {
  did: string
  handle: string
  head: string
  rev: string
  active: boolean
  /** did:key of the signing key. */
  signingKey: string
}

export interface RecordEntry {
  uri: string
  cid: string
  /** The record in atproto JSON form, as text: recursive types do not cross RPC's type mapping. */
  valueJson: string
}

export interface BlobEntry {
  cid: string
  mimeType: string
  size: number
}
