// The mapping from local objects to repository records (atproto_records), and the one way records
// are written or removed: idempotently. Record keys are reserved in D1 before the first write, and
// the repository is asked what it holds before each write, so a message handled twice (or a retry
// after a commit whose mapping update was lost) writes the same records and never a second copy.
import { TID, jsonToIpld } from '@atproto/common-web'
import { cidForLex } from '@atproto/lex-cbor'
import type { LexMap } from '@atproto/lex-data'
import type { Db } from '../../db/client'
import type { Env } from '../../env'
import type { WriteInput } from '../../../do/repo/types'
import { repoObject } from '../repos'
import { writeRecords } from '../write'
import { prepared } from '../../statuses/sql'

export type ProjectionEnv = Pick<Env, 'DB' | 'REPO' | 'HERD_KEK' | 'MEDIA'>

/** A bridged account: its DID and how its long posts are handled. */
export interface Bridge {
  accountId: string
  did: string
  longPosts: 'truncate' | 'thread'
}

export interface StrongRef {
  uri: string
  cid: string
}

export interface MappedRecord {
  part: number
  collection: string
  rkey: string
  uri: string
  cid: string | null
  rootUri: string | null
  rootCid: string | null
}

export class ProjectionError extends Error {}

export const atUri = (did: string, collection: string, rkey: string): string => `at://${did}/${collection}/${rkey}`

/** The CID the repository will give a record (the same DAG-CBOR encoding applyWrites uses). */
export async function recordCid(record: Record<string, unknown>): Promise<string> {
  return (await cidForLex(jsonToIpld(record) as LexMap)).toString()
}

export async function activeBridge(db: Db, accountId: string): Promise<Bridge | null> {
  const row = await db.selectFrom('atproto_accounts').select(['did', 'long_posts']).where('account_id', '=', accountId).where('active', '=', 1).executeTakeFirst()
  return row === undefined ? null : { accountId, did: row.did, longPosts: row.long_posts }
}

/** The records an object became, in part order. */
export async function mapped(db: Db, apId: string): Promise<MappedRecord[]> {
  const rows = await db.selectFrom('atproto_records').select(['part', 'did', 'collection', 'rkey', 'cid', 'root_uri', 'root_cid']).where('ap_id', '=', apId).orderBy('part').execute()
  return rows.map((r) => ({ part: r.part, collection: r.collection, rkey: r.rkey, uri: atUri(r.did, r.collection, r.rkey), cid: r.cid, rootUri: r.root_uri, rootCid: r.root_cid }))
}

/** A post's first record as a strong reference, once it has been written. */
export async function postRef(db: Db, statusUri: string): Promise<{ first: StrongRef; last: StrongRef; root: StrongRef } | null> {
  const rows = (await mapped(db, statusUri)).filter((r) => r.cid !== null && r.collection === 'app.bsky.feed.post')
  const first = rows[0]
  const last = rows.at(-1)
  if (first?.cid == null || last?.cid == null) return null
  const root = first.rootUri !== null && first.rootCid !== null ? { uri: first.rootUri, cid: first.rootCid } : { uri: first.uri, cid: first.cid }
  return { first: { uri: first.uri, cid: first.cid }, last: { uri: last.uri, cid: last.cid }, root }
}

export interface Planned {
  record: Record<string, unknown>
  rootUri?: string
  rootCid?: string
}

export interface SyncTarget {
  apId: string
  collection: string
  statusId?: string | null
  subjectUri?: string | null
}

/**
 * Makes the repository hold exactly `count` records for one local object: creates what is missing,
 * updates what changed, deletes parts no longer needed, all in one commit. `build` gets the parts'
 * at-URIs (their keys reserved first) and returns the records, so parts can refer to each other.
 */
export async function syncRecords(
  env: ProjectionEnv,
  db: Db,
  bridge: Bridge,
  target: SyncTarget,
  count: number,
  build: (uris: string[]) => Promise<Planned[]>,
): Promise<StrongRef[]> {
  let rows = await mapped(db, target.apId)
  if (rows.length < count) {
    const values = []
    for (let part = rows.length; part < count; part++) {
      values.push({ ap_id: target.apId, part, account_id: bridge.accountId, did: bridge.did, collection: target.collection, rkey: TID.nextStr(), cid: null, status_id: target.statusId ?? null, subject_uri: target.subjectUri ?? null })
    }
    // A concurrent copy of this message may have reserved some parts first: theirs are kept.
    // Eight rows of eleven values each stay under D1's 100 bound parameters.
    for (let i = 0; i < values.length; i += 8) await db.insertInto('atproto_records').values(values.slice(i, i + 8)).onConflict((oc) => oc.doNothing()).execute()
    rows = await mapped(db, target.apId)
  }
  const parts = rows.slice(0, count)
  const extra = rows.slice(count)
  const planned = await build(parts.map((r) => r.uri))
  const repo = repoObject(env)
  const writes: WriteInput[] = []
  const refs: StrongRef[] = []
  for (const [i, row] of parts.entries()) {
    const plan = planned[i]
    if (plan === undefined) throw new ProjectionError(`no record built for part ${i} of ${target.apId}`)
    const cid = await recordCid(plan.record)
    refs.push({ uri: row.uri, cid })
    const held = await repo.getRecord(bridge.did, row.collection, row.rkey)
    if (held?.cid === cid) continue
    writes.push({ action: held === null ? 'create' : 'update', collection: row.collection, rkey: row.rkey, record: plan.record })
  }
  for (const row of extra) {
    if ((await repo.getRecord(bridge.did, row.collection, row.rkey)) !== null) writes.push({ action: 'delete', collection: row.collection, rkey: row.rkey })
  }
  if (writes.length > 0) {
    const result = await writeRecords(env, bridge.did, writes)
    if (!result.ok) throw new ProjectionError(`${target.apId}: ${result.error}: ${result.message}`)
  }
  const now = new Date().toISOString()
  const changed = parts.filter((row, i) => row.cid !== refs[i]?.cid || row.rootUri !== (planned[i]?.rootUri ?? null) || row.rootCid !== (planned[i]?.rootCid ?? null))
  const statements = changed.map((row) =>
    prepared(
      env.DB,
      db
        .updateTable('atproto_records')
        .set({ cid: refs[row.part]?.cid ?? null, root_uri: planned[row.part]?.rootUri ?? null, root_cid: planned[row.part]?.rootCid ?? null, updated_at: now })
        .where('ap_id', '=', target.apId)
        .where('part', '=', row.part),
    ),
  )
  if (extra.length > 0) statements.push(prepared(env.DB, db.deleteFrom('atproto_records').where('ap_id', '=', target.apId).where('part', '>=', count)))
  if (statements.length > 0) await env.DB.batch(statements)
  return refs
}

/**
 * Removes every record an object became (all parts of a thread), and the reposts and likes that
 * pointed at them. Nothing mapped, or records already gone, is fine: the removal happened.
 */
export async function removeRecords(env: ProjectionEnv, db: Db, apId: string, accountId?: string): Promise<void> {
  let query = db.selectFrom('atproto_records').select(['ap_id', 'did', 'collection', 'rkey']).where('ap_id', '=', apId)
  // An undo or delete removes the acting account's own records only.
  if (accountId !== undefined) query = query.where('account_id', '=', accountId)
  const rows = await query.execute()
  if (rows.length === 0) return
  const uris = rows.map((r) => atUri(r.did, r.collection, r.rkey))
  const pointing = await db.selectFrom('atproto_records').select('ap_id').distinct().where('subject_uri', 'in', uris).execute()
  for (const p of pointing) await removeRecords(env, db, p.ap_id)
  const repo = repoObject(env)
  const byDid = new Map<string, WriteInput[]>()
  for (const row of rows) {
    if ((await repo.getRecord(row.did, row.collection, row.rkey)) === null) continue
    const writes = byDid.get(row.did) ?? []
    writes.push({ action: 'delete', collection: row.collection, rkey: row.rkey })
    byDid.set(row.did, writes)
  }
  for (const [did, writes] of byDid) {
    const result = await writeRecords(env, did, writes)
    // A repository that is gone or switched off (its account opted out) has nothing to remove now.
    if (!result.ok && result.error !== 'RepoNotFound' && result.error !== 'RepoDeactivated') throw new ProjectionError(`${apId}: ${result.error}: ${result.message}`)
  }
  await db
    .deleteFrom('atproto_records')
    .where('ap_id', '=', apId)
    .where('did', 'in', [...new Set(rows.map((r) => r.did))])
    .execute()
}
