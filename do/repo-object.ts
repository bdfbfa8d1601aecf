import { DurableObject } from 'cloudflare:workers'
import { BlockMap, Repo, WriteOpAction, blocksToCarFile, concatBytesAsync, getFullRepo, getRecords, cborToLex, type RecordWriteOp } from '@atproto/repo'
import { Secp256k1Keypair } from '@atproto/crypto'
import { TID, jsonToIpld, ipldToJson } from '@atproto/common-web'
import { cborEncode, cidForLex } from '@atproto/lex-cbor'
import { parseCid, type Cid, type LexMap, type LexValue } from '@atproto/lex-data'
import { isValidDid, isValidHandle, isValidNsid, isValidRecordKey } from '@atproto/syntax'
import { MAX_FRAME_BYTES, MAX_OPS_PER_COMMIT, MAX_RECORD_BYTES, errorFrame, messageFrame } from '../backend/atproto/frames'
import { BlockCache, SqlBlockStore } from './repo/block-store'
import { seqFloor } from './repo/seq'
import type { BlobEntry, CommitResult, RecordEntry, RepoFailure, RepoInfo, RepoResult, WriteInput, WriteResult } from './repo/types'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS repo (
  did TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  -- The private key only sealed (backend/atproto/signing-key.ts); the writer opens it for each commit.
  signing_key_sealed TEXT NOT NULL,
  signing_did_key TEXT NOT NULL,
  head TEXT NOT NULL,
  rev TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS block (did TEXT NOT NULL, cid TEXT NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (did, cid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record (
  did TEXT NOT NULL, collection TEXT NOT NULL, rkey TEXT NOT NULL, cid TEXT NOT NULL,
  PRIMARY KEY (did, collection, rkey)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blob (did TEXT NOT NULL, cid TEXT NOT NULL, mime_type TEXT NOT NULL, size INTEGER NOT NULL, rev TEXT NOT NULL, PRIMARY KEY (did, cid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event (seq INTEGER PRIMARY KEY, did TEXT NOT NULL, type TEXT NOT NULL, time INTEGER NOT NULL, frame BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS event_time ON event (time);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`

interface RepoEnv {
  /** How long firehose events stay replayable. Default 72 hours. */
  ATPROTO_FIREHOSE_RETENTION_HOURS?: string
}

interface RepoRow extends Record<string, SqlStorageValue> {
  did: string
  handle: string
  signing_key_sealed: string
  signing_did_key: string
  head: string
  rev: string
  active: number
}

/** An event waiting for its sequence number, which is assigned inside the commit transaction. */
type PendingEvent = { type: string; body: (seq: number) => Record<string, LexValue> }

const PRUNE_EVERY_MS = 60_000
const REPLAY_BATCH = 1000

function fail(error: string, message: string): RepoFailure {
  return { ok: false, error, message }
}

class CommitRejected extends Error {
  constructor(readonly failure: RepoFailure) {
    super(failure.message)
  }
}

/**
 * Every bridged account's AT Protocol repository, and the firehose that announces their changes.
 * One object serializes all repository writes and owns the event log: each commit is one SQLite
 * transaction that stores the blocks, moves the head, and appends the complete encoded firehose
 * frame under the next sequence number. Frames are sent, live or replayed, exactly as stored.
 */
export class RepoObject extends DurableObject<RepoEnv> {
  private readonly sql: SqlStorage
  private writing: Promise<unknown> = Promise.resolve()
  private lastPrune = 0
  private readonly blockCaches = new Map<string, BlockCache>()
  /** Sockets working through a cursor replay; they join the live stream when it catches up. */
  private readonly replaying = new WeakSet<WebSocket>()

  constructor(ctx: DurableObjectState, env: RepoEnv) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.sql.exec(SCHEMA)
  }

  // ---- writes ---------------------------------------------------------------------------------

  /** Writes run one after another: each loads the head the previous one left. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writing.then(fn, fn)
    this.writing = run.catch(() => undefined)
    return run
  }

  /**
   * Creates a repository signed by `key` (from newRepoSigningKey). Only its sealed form is stored; the
   * private bytes are used for the first commit and dropped.
   */
  createRepo(did: string, handle: string, key: { privateKey: Uint8Array; sealed: string }): Promise<RepoResult<RepoInfo>> {
    return this.serialized(async () => {
      if (!isValidDid(did)) return fail('InvalidRequest', `Invalid DID: ${did}`)
      if (!isValidHandle(handle)) return fail('InvalidRequest', `Invalid handle: ${handle}`)
      if (this.repoRow(did) !== undefined) return fail('InvalidRequest', `Repository already exists: ${did}`)
      if (this.sql.exec('SELECT 1 FROM repo WHERE handle = ?', handle.toLowerCase()).toArray().length > 0) {
        return fail('InvalidRequest', `Handle already taken: ${handle}`)
      }
      const keypair = await Secp256k1Keypair.import(key.privateKey)
      const store = new SqlBlockStore(this.sql, did)
      const commit = await Repo.formatInitCommit(store, did, keypair, [])
      const commitBytes = commit.newBlocks.get(commit.cid)
      if (commitBytes === undefined) throw new Error('init commit block missing')
      const syncCar = await blocksToCarFile(commit.cid, new BlockMap([[commit.cid, commitBytes]]))
      const time = new Date()
      const { frames } = this.ctx.storage.transactionSync(() => {
        this.sql.exec(
          'INSERT INTO repo (did, handle, signing_key_sealed, signing_did_key, head, rev, active) VALUES (?, ?, ?, ?, ?, ?, 1)',
          did,
          handle.toLowerCase(),
          key.sealed,
          keypair.did(),
          commit.cid.toString(),
          commit.rev,
        )
        this.putBlocks(did, commit.newBlocks)
        return this.appendEvents(did, time, [
          { type: '#identity', body: (seq) => ({ seq, did, time: time.toISOString(), handle: handle.toLowerCase() }) },
          { type: '#account', body: (seq) => ({ seq, did, time: time.toISOString(), active: true }) },
          { type: '#sync', body: (seq) => ({ seq, did, blocks: syncCar, rev: commit.rev, time: time.toISOString() }) },
        ])
      })
      this.broadcast(frames)
      return { ok: true, value: this.info(did) as RepoInfo }
    })
  }

  /**
   * Turns a repository's hosting off or back on (its owner opting out or in again) and announces it
   * with #account. While inactive, applyWrites refuses every write, so the repository stops changing.
   * Asking for the state it already has announces nothing, so a retried request is harmless.
   */
  setActive(did: string, active: boolean): Promise<RepoResult<RepoInfo>> {
    return this.serialized(async () => {
      const row = this.repoRow(did)
      if (row === undefined) return fail('RepoNotFound', `Could not find repo: ${did}`)
      if ((row.active === 1) !== active) {
        const time = new Date()
        const { frames } = this.ctx.storage.transactionSync(() => {
          this.sql.exec('UPDATE repo SET active = ? WHERE did = ?', active ? 1 : 0, did)
          return this.appendEvents(did, time, [
            {
              type: '#account',
              body: (seq) => ({ seq, did, time: time.toISOString(), active, ...(active ? {} : { status: 'deactivated' }) }),
            },
          ])
        })
        this.broadcast(frames)
      }
      return { ok: true, value: this.info(did) as RepoInfo }
    })
  }

  /** A verified new handle: stored and announced with #identity so relays and app views re-resolve it. */
  updateHandle(did: string, handle: string): Promise<RepoResult<RepoInfo>> {
    return this.serialized(async () => {
      const row = this.repoRow(did)
      if (row === undefined) return fail('RepoNotFound', `Could not find repo: ${did}`)
      if (!isValidHandle(handle)) return fail('InvalidRequest', `Invalid handle: ${handle}`)
      const lower = handle.toLowerCase()
      if (row.handle === lower) return { ok: true, value: this.info(did) as RepoInfo }
      if (this.sql.exec('SELECT 1 FROM repo WHERE handle = ?', lower).toArray().length > 0) return fail('InvalidRequest', `Handle already taken: ${handle}`)
      const time = new Date()
      const { frames } = this.ctx.storage.transactionSync(() => {
        this.sql.exec('UPDATE repo SET handle = ? WHERE did = ?', lower, did)
        return this.appendEvents(did, time, [{ type: '#identity', body: (seq) => ({ seq, did, time: time.toISOString(), handle: lower }) }])
      })
      this.broadcast(frames)
      return { ok: true, value: this.info(did) as RepoInfo }
    })
  }

  /** The sealed signing key, for the writer to open with HERD_KEK and pass to applyWrites. */
  sealedSigningKey(did: string): string | null {
    return this.repoRow(did)?.signing_key_sealed ?? null
  }

  /** Applies creates, updates and deletes as one commit, signed with the opened key the writer passes. */
  applyWrites(did: string, writes: WriteInput[], privateKey: Uint8Array): Promise<RepoResult<CommitResult>> {
    return this.serialized(async () => {
      const row = this.repoRow(did)
      if (row === undefined) return fail('RepoNotFound', `Could not find repo: ${did}`)
      if (row.active !== 1) return fail('RepoDeactivated', `Repo is not active: ${did}`)
      if (!Array.isArray(writes) || writes.length === 0) return fail('InvalidRequest', 'A commit needs at least one write')
      if (writes.length > MAX_OPS_PER_COMMIT) return fail('InvalidRequest', `Too many writes: ${writes.length} (at most ${MAX_OPS_PER_COMMIT} per commit)`)

      const prepared = await this.prepareWrites(did, writes)
      if (!prepared.ok) return prepared
      const { ops, results, firehoseOps } = prepared.value

      const store = new SqlBlockStore(this.sql, did, this.blockCache(did))
      const repo = await Repo.load(store, parseCid(row.head))
      const keypair = await Secp256k1Keypair.import(privateKey)
      // A key that is not this repository's would make commits nobody can verify.
      if (keypair.did() !== row.signing_did_key) return fail('InvalidRequest', 'The signing key does not belong to this repository')
      const commit = await repo.formatCommit(ops, keypair)
      const blocks = new BlockMap()
      blocks.addMap(commit.newBlocks)
      blocks.addMap(commit.relevantBlocks)
      const car = await blocksToCarFile(commit.cid, blocks)
      const time = new Date()
      let appended: { seq: number; frames: Uint8Array[] }
      try {
        appended = this.ctx.storage.transactionSync(() => {
          for (const cid of commit.removedCids.toList()) this.sql.exec('DELETE FROM block WHERE did = ? AND cid = ?', did, cid.toString())
          this.putBlocks(did, commit.newBlocks)
          for (const op of firehoseOps) {
            const [collection, rkey] = splitPath(op.path)
            if (op.cid === null) this.sql.exec('DELETE FROM record WHERE did = ? AND collection = ? AND rkey = ?', did, collection, rkey)
            else this.sql.exec('INSERT OR REPLACE INTO record (did, collection, rkey, cid) VALUES (?, ?, ?, ?)', did, collection, rkey, op.cid.toString())
          }
          this.sql.exec('UPDATE repo SET head = ?, rev = ? WHERE did = ?', commit.cid.toString(), commit.rev, did)
          return this.appendEvents(did, time, [
            {
              type: '#commit',
              body: (s) => ({
                seq: s,
                rebase: false,
                tooBig: false,
                repo: did,
                commit: commit.cid,
                rev: commit.rev,
                since: commit.since,
                blocks: car,
                ops: firehoseOps.map((op) => ({ action: op.action, path: op.path, cid: op.cid, ...(op.prev ? { prev: op.prev } : {}) })),
                blobs: [],
                prevData: repo.commit.data,
                time: time.toISOString(),
              }),
            },
          ])
        })
      } catch (err) {
        if (err instanceof CommitRejected) return err.failure
        throw err
      }
      this.broadcast(appended.frames)
      return { ok: true, value: { cid: commit.cid.toString(), rev: commit.rev, seq: appended.seq, results } }
    })
  }

  private async prepareWrites(did: string, writes: WriteInput[]): Promise<
    RepoResult<{ ops: RecordWriteOp[]; results: WriteResult[]; firehoseOps: Array<{ action: string; path: string; cid: Cid | null; prev?: Cid }> }>
  > {
    const ops: RecordWriteOp[] = []
    const results: WriteResult[] = []
    const firehoseOps: Array<{ action: string; path: string; cid: Cid | null; prev?: Cid }> = []
    const seen = new Set<string>()
    for (const write of writes) {
      const { action, collection } = write
      if (action !== 'create' && action !== 'update' && action !== 'delete') return fail('InvalidRequest', `Unknown write action: ${String(action)}`)
      if (typeof collection !== 'string' || !isValidNsid(collection)) return fail('InvalidRequest', `Invalid collection: ${String(collection)}`)
      const rkey = write.rkey ?? (action === 'create' ? TID.nextStr() : undefined)
      if (typeof rkey !== 'string' || !isValidRecordKey(rkey)) return fail('InvalidRequest', `Invalid record key: ${String(rkey)}`)
      const path = `${collection}/${rkey}`
      if (seen.has(path)) return fail('InvalidRequest', `More than one write to ${path} in one commit`)
      seen.add(path)
      const existing = this.recordCid(did, collection, rkey)
      const uri = `at://${did}/${path}`
      if (action === 'create' && existing !== null) return fail('InvalidRequest', `Record already exists: ${uri}`)
      if (action !== 'create' && existing === null) return fail('InvalidRequest', `Could not find record: ${uri}`)
      const prev = existing === null ? undefined : parseCid(existing)
      if (action === 'delete') {
        ops.push({ action: WriteOpAction.Delete, collection, rkey })
        firehoseOps.push({ action, path, cid: null, prev })
        results.push({ uri, cid: null })
        continue
      }
      const record = toRecord(write.record, collection)
      if (!record.ok) return record
      const cid = await cidForLex(record.value)
      ops.push({ action: action === 'create' ? WriteOpAction.Create : WriteOpAction.Update, collection, rkey, record: record.value })
      firehoseOps.push({ action, path, cid, ...(prev ? { prev } : {}) })
      results.push({ uri, cid: cid.toString() })
    }
    return { ok: true, value: { ops, results, firehoseOps } }
  }

  private blockCache(did: string): BlockCache {
    let cache = this.blockCaches.get(did)
    if (cache === undefined) {
      cache = new BlockCache()
      this.blockCaches.set(did, cache)
    }
    return cache
  }


  private putBlocks(did: string, blocks: BlockMap): void {
    for (const [cid, bytes] of blocks) this.sql.exec('INSERT OR IGNORE INTO block (did, cid, bytes) VALUES (?, ?, ?)', did, cid.toString(), bytes)
  }

  /**
   * Numbers, encodes, stores and then broadcasts events. Must run inside the caller's
   * transaction: a frame that is too large throws, and nothing of the commit remains.
   * Returns the last sequence number used and the frames to broadcast once committed.
   */
  private appendEvents(did: string, time: Date, events: PendingEvent[]): { seq: number; frames: Uint8Array[] } {
    let seq = this.lastSeq() ?? seqFloor(time.getTime())
    const frames: Uint8Array[] = []
    for (const event of events) {
      seq += 1
      const frame = messageFrame(event.type, event.body(seq))
      if (frame.length > MAX_FRAME_BYTES) {
        throw new CommitRejected(fail('InvalidRequest', `Commit too large: its firehose frame would be ${frame.length} bytes (at most ${MAX_FRAME_BYTES})`))
      }
      this.sql.exec('INSERT INTO event (seq, did, type, time, frame) VALUES (?, ?, ?, ?, ?)', seq, did, event.type, time.getTime(), frame)
      frames.push(frame)
    }
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)", seq)
    this.pruneExpired(time.getTime())
    return { seq, frames }
  }

  /**
   * Called right after the transaction commits, in the same synchronous run, so a subscriber sees
   * these frames after everything it replayed and before anything later.
   */
  private broadcast(frames: Uint8Array[]): void {
    for (const ws of this.ctx.getWebSockets()) {
      // A socket still replaying reads these frames from the log when its replay gets there.
      if (this.replaying.has(ws)) continue
      try {
        for (const frame of frames) ws.send(frame)
      } catch {
        // A socket that closed meanwhile; its close handler cleans up.
      }
    }
  }

  private pruneExpired(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return
    this.lastPrune = now
    const hours = Number(this.env.ATPROTO_FIREHOSE_RETENTION_HOURS ?? '72')
    const cutoff = now - (Number.isFinite(hours) && hours > 0 ? hours : 72) * 3_600_000
    const row = this.sql.exec<{ s: number | null }>('SELECT MAX(seq) AS s FROM event WHERE time < ?', cutoff).one()
    if (row.s !== null) this.pruneThrough(row.s)
  }

  /** Drops events up to and including `seq` from the replay window. */
  pruneThrough(seq: number): void {
    this.sql.exec('DELETE FROM event WHERE seq <= ?', seq)
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('pruned', ?) ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)", seq)
  }

  registerBlob(did: string, cid: string, mimeType: string, size: number): RepoResult<BlobEntry> {
    const row = this.repoRow(did)
    if (row === undefined) return fail('RepoNotFound', `Could not find repo: ${did}`)
    this.sql.exec('INSERT OR IGNORE INTO blob (did, cid, mime_type, size, rev) VALUES (?, ?, ?, ?, ?)', did, cid, mimeType, size, row.rev)
    return { ok: true, value: { cid, mimeType, size } }
  }

  // ---- reads ----------------------------------------------------------------------------------

  private repoRow(did: string): RepoRow | undefined {
    return this.sql.exec<RepoRow>('SELECT * FROM repo WHERE did = ?', did).toArray()[0]
  }

  private recordCid(did: string, collection: string, rkey: string): string | null {
    return this.sql.exec<{ cid: string }>('SELECT cid FROM record WHERE did = ? AND collection = ? AND rkey = ?', did, collection, rkey).toArray()[0]?.cid ?? null
  }

  private lastSeq(): number | null {
    return this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'seq'").toArray()[0]?.value ?? null
  }

  private prunedThrough(): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'pruned'").toArray()[0]?.value ?? 0
  }

  info(did: string): RepoInfo | null {
    const row = this.repoRow(did)
    if (row === undefined) return null
    return { did: row.did, handle: row.handle, head: row.head, rev: row.rev, active: row.active === 1, signingKey: row.signing_did_key }
  }

  resolveHandle(handle: string): string | null {
    return this.sql.exec<{ did: string }>('SELECT did FROM repo WHERE handle = ?', handle.toLowerCase()).toArray()[0]?.did ?? null
  }

  collections(did: string): string[] {
    return this.sql.exec<{ collection: string }>('SELECT DISTINCT collection FROM record WHERE did = ? ORDER BY collection', did).toArray().map((r) => r.collection)
  }

  listRepos(limit: number, cursor?: string): Array<{ did: string; head: string; rev: string; active: boolean }> {
    return this.sql
      .exec<RepoRow>('SELECT did, head, rev, active FROM repo WHERE did > ? ORDER BY did LIMIT ?', cursor ?? '', limit)
      .toArray()
      .map((r) => ({ did: r.did, head: r.head, rev: r.rev, active: r.active === 1 }))
  }

  async getRepoCar(did: string): Promise<Uint8Array | null> {
    const row = this.repoRow(did)
    if (row === undefined) return null
    return concatBytesAsync(getFullRepo(new SqlBlockStore(this.sql, did), parseCid(row.head)))
  }

  /** A CAR proving the record's presence or absence under the current commit. */
  async getRecordProof(did: string, collection: string, rkey: string): Promise<Uint8Array | null> {
    const row = this.repoRow(did)
    if (row === undefined) return null
    return concatBytesAsync(getRecords(new SqlBlockStore(this.sql, did), parseCid(row.head), [{ collection, rkey }]))
  }

  getRecord(did: string, collection: string, rkey: string): RecordEntry | null {
    const cid = this.recordCid(did, collection, rkey)
    if (cid === null) return null
    return this.recordEntry(did, collection, rkey, cid)
  }

  private recordEntry(did: string, collection: string, rkey: string, cid: string): RecordEntry {
    const row = this.sql.exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM block WHERE did = ? AND cid = ?', did, cid).one()
    return { uri: `at://${did}/${collection}/${rkey}`, cid, valueJson: JSON.stringify(ipldToJson(cborToLex(new Uint8Array(row.bytes)))) }
  }

  /** Records in record-key order, newest (highest key) first unless `reverse`. */
  listRecords(did: string, collection: string, limit: number, cursor: string | undefined, reverse: boolean): RecordEntry[] {
    const rows = reverse
      ? this.sql.exec<{ rkey: string; cid: string }>('SELECT rkey, cid FROM record WHERE did = ? AND collection = ? AND rkey > ? ORDER BY rkey ASC LIMIT ?', did, collection, cursor ?? '', limit)
      : cursor === undefined
        ? this.sql.exec<{ rkey: string; cid: string }>('SELECT rkey, cid FROM record WHERE did = ? AND collection = ? ORDER BY rkey DESC LIMIT ?', did, collection, limit)
        : this.sql.exec<{ rkey: string; cid: string }>('SELECT rkey, cid FROM record WHERE did = ? AND collection = ? AND rkey < ? ORDER BY rkey DESC LIMIT ?', did, collection, cursor, limit)
    return rows.toArray().map((r) => this.recordEntry(did, collection, r.rkey, r.cid))
  }

  getBlob(did: string, cid: string): BlobEntry | null {
    const row = this.sql.exec<{ cid: string; mime_type: string; size: number }>('SELECT cid, mime_type, size FROM blob WHERE did = ? AND cid = ?', did, cid).toArray()[0]
    return row === undefined ? null : { cid: row.cid, mimeType: row.mime_type, size: row.size }
  }

  listBlobs(did: string, since: string | undefined, limit: number, cursor: string | undefined): string[] {
    return this.sql
      .exec<{ cid: string }>('SELECT cid FROM blob WHERE did = ? AND rev > ? AND cid > ? ORDER BY cid LIMIT ?', did, since ?? '', cursor ?? '', limit)
      .toArray()
      .map((r) => r.cid)
  }

  // ---- firehose -------------------------------------------------------------------------------

  /** com.atproto.sync.subscribeRepos: the WebSocket upgrade, forwarded here by the Pages Function. */
  override fetch(request: Request): Response {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json({ error: 'InvalidRequest', message: 'subscribeRepos is a WebSocket endpoint' }, { status: 400 })
    }
    const raw = new URL(request.url).searchParams.get('cursor')
    if (raw !== null && !/^\d{1,16}$/.test(raw)) return Response.json({ error: 'InvalidRequest', message: 'cursor must be a non-negative integer' }, { status: 400 })
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket]
    const cursor = raw === null ? null : Number(raw)
    if (cursor !== null && cursor > (this.lastSeq() ?? 0)) {
      // Never joins the stream: a plain (not hibernatable) socket that says why and closes.
      server.accept()
      server.send(errorFrame('FutureCursor', 'Cursor in the future.'))
      server.close(1008, 'FutureCursor')
      return new Response(null, { status: 101, webSocket: client })
    }
    this.ctx.acceptWebSocket(server)
    if (cursor !== null) this.replay(server, cursor)
    return new Response(null, { status: 101, webSocket: client })
  }

  /**
   * Sends every retained event after `cursor`, in batches, so a long window is never held in
   * memory at once. Between batches commits may land: they are in the log, and the next batch
   * reads them. A batch that reaches the end of the log marks the socket live in the same
   * synchronous run, so no commit can fall between the replay and the live stream, and none is
   * sent twice.
   */
  private replay(ws: WebSocket, cursor: number): void {
    if (cursor < this.prunedThrough()) {
      ws.send(messageFrame('#info', { name: 'OutdatedCursor', message: 'Requested cursor exceeded limit. Possibly missing events' }))
    }
    this.replaying.add(ws)
    const step = (after: number): void => {
      let last = after
      let sent = 0
      try {
        for (const row of this.sql.exec<{ seq: number; frame: ArrayBuffer }>('SELECT seq, frame FROM event WHERE seq > ? ORDER BY seq LIMIT ?', after, REPLAY_BATCH)) {
          ws.send(row.frame)
          last = row.seq
          sent++
        }
      } catch {
        this.replaying.delete(ws) // the subscriber went away
        return
      }
      if (sent < REPLAY_BATCH) {
        this.replaying.delete(ws)
        return
      }
      // Let the runtime flush what was sent before reading more.
      setTimeout(() => step(last), 0)
    }
    step(cursor)
  }

  override webSocketMessage(): void {
    // Subscribers have nothing to say; the stream is one-way.
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 ? 1000 : code)
    } catch {
      // Already closed.
    }
  }
}

function splitPath(path: string): [string, string] {
  const slash = path.indexOf('/')
  return [path.slice(0, slash), path.slice(slash + 1)]
}


function toRecord(value: unknown, collection: string): RepoResult<LexMap> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('InvalidRequest', 'A record must be an object')
  const record = jsonToIpld(value) as LexMap
  if (record.$type !== collection) return fail('InvalidRequest', `Record $type must be ${collection}`)
  let bytes: Uint8Array
  try {
    bytes = cborEncode(record)
  } catch (err) {
    return fail('InvalidRequest', `Record is not valid atproto data: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (bytes.length > MAX_RECORD_BYTES) return fail('InvalidRequest', `Record too large: ${bytes.length} bytes (at most ${MAX_RECORD_BYTES})`)
  return { ok: true, value: record }
}
