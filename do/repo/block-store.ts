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
  ) {
    super()
  }

  getBytes(cid: Cid): Promise<Uint8Array | null> {
    const row = this.sql.exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM block WHERE did = ? AND cid = ?', this.did, cid.toString()).toArray()[0]
    return Promise.resolve(row === undefined ? null : new Uint8Array(row.bytes))
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

