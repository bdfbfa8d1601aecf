import { BlockMap, ReadableBlockstore, type CommitData, type RepoStorage } from '@atproto/repo'
import { parseCid, type Cid } from '@atproto/lex-data'

/**
 * The blocks of one repository, read from the Durable Object's SQLite storage. Writes do not go
 * through here: a commit is stored by the object in one transaction together with its firehose
 * event (see RepoObject), so this store only reads.
 */
export class SqlBlockStore extends ReadableBlockstore implements RepoStorage {
  constructor(
    private readonly sql: SqlStorage,
    private readonly did: string,
    /** Blocks are immutable by CID, so recently read ones can be kept (shared across commits). */
    private readonly cache?: BlockCache,
  ) {
    super()
  }

  getBytes(cid: Cid): Promise<Uint8Array | null> {
    const key = cid.toString()
    const cached = this.cache?.get(key)
    if (cached !== undefined) return Promise.resolve(cached)
    const row = this.sql.exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM block WHERE did = ? AND cid = ?', this.did, key).toArray()[0]
    if (row === undefined) return Promise.resolve(null)
    const bytes = new Uint8Array(row.bytes)
    this.cache?.set(key, bytes)
    return Promise.resolve(bytes)
  }

  async has(cid: Cid): Promise<boolean> {
    return (await this.getBytes(cid)) !== null
  }

  async getBlocks(cids: Cid[]): Promise<{ blocks: BlockMap; missing: Cid[] }> {
    const blocks = new BlockMap()
    const missing: Cid[] = []
    for (const cid of cids) {
      const bytes = await this.getBytes(cid)
      if (bytes === null) missing.push(cid)
      else blocks.set(cid, bytes)
    }
    return { blocks, missing }
  }

  /** Every block of the repository, for a full CAR export. */
  *all(): Generator<[Cid, Uint8Array]> {
    for (const row of this.sql.exec<{ cid: string; bytes: ArrayBuffer }>('SELECT cid, bytes FROM block WHERE did = ?', this.did)) {
      yield [parseCid(row.cid), new Uint8Array(row.bytes)]
    }
  }

  getRoot(): Promise<Cid | null> {
    const row = this.sql.exec<{ head: string }>('SELECT head FROM repo WHERE did = ?', this.did).toArray()[0]
    return Promise.resolve(row === undefined ? null : parseCid(row.head))
  }

  putBlock(): Promise<void> {
    return readOnly()
  }

  putMany(): Promise<void> {
    return readOnly()
  }

  updateRoot(): Promise<void> {
    return readOnly()
  }

  applyCommit(_commit: CommitData): Promise<void> {
    return readOnly()
  }
}

function readOnly(): Promise<never> {
  return Promise.reject(new Error('SqlBlockStore is read-only: commits are written by RepoObject'))
}


/** A bounded cache of one repository's blocks; it starts over when full (MST paths are re-read quickly). */
export class BlockCache {
  private readonly blocks = new Map<string, Uint8Array>()

  constructor(private readonly limit = 20_000) {}

  get(cid: string): Uint8Array | undefined {
    return this.blocks.get(cid)
  }

  set(cid: string, bytes: Uint8Array): void {
    if (this.blocks.size >= this.limit) this.blocks.clear()
    this.blocks.set(cid, bytes)
  }
}
