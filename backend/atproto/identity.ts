// Opting a local account in to (and out of) the Bluesky bridge: its did:plc identity, its repository
// in the RepoObject, and its row in atproto_accounts. The profile record and the relays' crawl are
// queued, so the request does only what must succeed before it answers.
import { Secp256k1Keypair } from '@atproto/crypto'
import { isValidHandle } from '@atproto/syntax'
import type { Db } from '../db/client'
import type { Env } from '../env'
import { HttpError, notFound, unprocessable } from '../http/errors'
import { openBytes, sealBytes } from '../crypto/seal'
import { repoObject } from './repos'
import { operationCid, plcDidOf, signOperation, submitOperation, unsignedOperation } from './plc'
import { verifyHandle } from './identity-handles'
import { LONG_POSTS, bridgeRow, readBridge, type BridgeView, type LongPosts, type Row } from './identity-view'

export type { BridgeView, LongPosts } from './identity-view'
export { readBridge } from './identity-view'

/** The settings a request may change; anything else it sends is refused, not ignored. */
export interface BridgeSettings {
  longPosts?: LongPosts
  handle?: string
}

export function parseSettings(params: Record<string, unknown>): BridgeSettings {
  const out: BridgeSettings = {}
  for (const key of Object.keys(params)) {
    // csrf comes with the settings page's forms, access_token with clients that send it in the body.
    if (!['long_posts', 'handle', 'csrf', 'access_token'].includes(key)) throw unprocessable(`Unknown setting: ${key}`)
  }
  if (params.long_posts !== undefined) {
    if (typeof params.long_posts !== 'string' || !LONG_POSTS.includes(params.long_posts as LongPosts)) {
      throw unprocessable('long_posts must be truncate or thread')
    }
    out.longPosts = params.long_posts as LongPosts
  }
  if (params.handle !== undefined) {
    if (typeof params.handle !== 'string' || !isValidHandle(params.handle.trim())) throw unprocessable('handle must be a domain name, like alice.example.com')
    out.handle = params.handle.trim().toLowerCase()
  }
  return out
}

/** `username.<instance host>`: usernames may hold `_`, which a host name label may not. */
export function defaultHandle(username: string, host: string): string {
  const handle = `${username.toLowerCase().replace(/_/g, '-')}.${host.toLowerCase()}`
  if (!isValidHandle(handle)) throw unprocessable(`This server's host name cannot carry Bluesky handles (${handle} is not a valid handle)`)
  return handle
}

const rotationContext = (did: string): string => `${did}#plc-rotation`

/**
 * Turns the bridge on. The first time: makes the rotation and signing keys and signs the genesis
 * operation; claims the row (inactive) so a second, concurrent opt-in stops there; registers the
 * operation with the PLC directory; creates the repository (#identity, #account); marks the row
 * active. Again after opting out: reactivates the same DID. Either way the profile record (the
 * first #commit) and the relays' crawl follow from the queue.
 */
export async function optIn(env: Env, db: Db, accountId: string, origin: string, settings: BridgeSettings): Promise<BridgeView> {
  if (settings.handle !== undefined) throw unprocessable('Set a custom handle after opting in (PATCH)')
  // The relay crawls this host, so a non-default port (a local stack) is part of its name.
  const host = new URL(origin).host
  let existing = await bridgeRow(db, accountId)
  if (existing?.active === 1) throw new HttpError(409, 'This account is already bridged to Bluesky')
  if (existing !== undefined) {
    const result = await repoObject(env).setActive(existing.did, true)
    if (!result.ok && result.error !== 'RepoNotFound') throw new HttpError(409, `The Bluesky repository could not be reactivated: ${result.message}`)
    if (result.ok) {
      await db
        .updateTable('atproto_accounts')
        .set({ active: 1, ...(settings.longPosts ? { long_posts: settings.longPosts } : {}), updated_at: new Date().toISOString() })
        .where('account_id', '=', accountId)
        .execute()
    } else {
      // An earlier opt-in stopped before its repository existed: its DID never got anywhere, so
      // start again from scratch.
      await db.deleteFrom('atproto_accounts').where('account_id', '=', accountId).where('active', '=', 0).execute()
      existing = undefined
    }
  }
  if (existing === undefined) await createIdentity(env, db, accountId, origin, settings)
  await env.QUEUE.sendBatch([
    { body: { type: 'atproto-profile', accountId }, contentType: 'json' },
    { body: { type: 'atproto-crawl', hostname: host }, contentType: 'json' },
  ])
  return readBridge(db, accountId)
}

async function createIdentity(env: Env, db: Db, accountId: string, origin: string, settings: BridgeSettings): Promise<void> {
  const account = await db.selectFrom('accounts').select('username').where('id', '=', accountId).where('domain', '=', '').executeTakeFirst()
  if (account === undefined) throw notFound('No such local account')
  const handle = defaultHandle(account.username, new URL(origin).hostname)
  const taken = await db.selectFrom('atproto_accounts').select('account_id').where('handle', '=', handle).executeTakeFirst()
  if (taken !== undefined) throw new HttpError(409, `The handle ${handle} is already taken`)

  // The DID is the hash of the signed genesis operation, which names the signing key: the keys
  // come first, and are sealed (bound to the DID) once the DID is known.
  const rotation = await Secp256k1Keypair.create({ exportable: true })
  const signing = await Secp256k1Keypair.create({ exportable: true })
  const genesis = await signOperation(unsignedOperation({ rotationKey: rotation.did(), signingKey: signing.did(), handle, endpoint: origin }, null), rotation)
  const did = await plcDidOf(genesis)
  const signingPrivate = new Uint8Array(await signing.export())
  const sealedSigning = await sealBytes(env, signingPrivate, did)
  const sealedRotation = await sealBytes(env, new Uint8Array(await rotation.export()), rotationContext(did))

  try {
    await db
      .insertInto('atproto_accounts')
      .values({ account_id: accountId, did, handle, active: 0, long_posts: settings.longPosts ?? 'truncate', rotation_key_sealed: sealedRotation, plc_op_cid: await operationCid(genesis) })
      .execute()
  } catch (err) {
    // The primary key or the unique handle: another opt-in got there first.
    if (await bridgeRow(db, accountId)) throw new HttpError(409, 'This account is already bridged to Bluesky')
    if (await db.selectFrom('atproto_accounts').select('account_id').where('handle', '=', handle).executeTakeFirst()) throw new HttpError(409, `The handle ${handle} is already taken`)
    throw err
  }
  const release = () => db.deleteFrom('atproto_accounts').where('account_id', '=', accountId).where('did', '=', did).where('active', '=', 0).execute()
  try {
    await submitOperation(env, did, genesis)
  } catch (err) {
    await release()
    throw err
  }
  const created = await repoObject(env).createRepo(did, handle, { privateKey: signingPrivate, sealed: sealedSigning })
  if (!created.ok) {
    await release()
    throw new HttpError(409, `The Bluesky repository could not be created: ${created.message}`)
  }
  await db.updateTable('atproto_accounts').set({ active: 1, updated_at: new Date().toISOString() }).where('account_id', '=', accountId).where('did', '=', did).execute()
}

/** Turns the bridge off: #account active:false, and the repository refuses writes from then on. */
export async function optOut(env: Env, db: Db, accountId: string): Promise<BridgeView> {
  const row = await bridgeRow(db, accountId)
  if (row === undefined) throw notFound('This account is not bridged to Bluesky')
  if (row.active === 1) {
    const result = await repoObject(env).setActive(row.did, false)
    if (!result.ok && result.error !== 'RepoNotFound') throw new HttpError(409, `The Bluesky repository could not be deactivated: ${result.message}`)
    await db.updateTable('atproto_accounts').set({ active: 0, updated_at: new Date().toISOString() }).where('account_id', '=', accountId).execute()
  }
  return readBridge(db, accountId)
}

/**
 * Changes settings of a bridged account. A new handle must first be verified (DNS TXT or the
 * https well-known), then goes to the PLC directory as a signed update, then to the repository
 * (#identity) and the row.
 */
export async function updateBridge(env: Env, db: Db, accountId: string, origin: string, settings: BridgeSettings): Promise<BridgeView> {
  const row = await bridgeRow(db, accountId)
  if (row === undefined) throw notFound('This account is not bridged to Bluesky: opt in first')
  if (settings.longPosts === undefined && settings.handle === undefined) throw unprocessable('Nothing to change: send long_posts or handle')
  if (settings.handle !== undefined && settings.handle !== row.handle) {
    if (row.active !== 1) throw new HttpError(409, 'Opt in again before changing the handle')
    await changeHandle(env, db, row, settings.handle, origin)
  }
  if (settings.longPosts !== undefined && settings.longPosts !== row.long_posts) {
    await db.updateTable('atproto_accounts').set({ long_posts: settings.longPosts, updated_at: new Date().toISOString() }).where('account_id', '=', accountId).execute()
  }
  return readBridge(db, accountId)
}

async function changeHandle(env: Env, db: Db, row: Row, handle: string, origin: string): Promise<void> {
  const taken = await db.selectFrom('atproto_accounts').select('account_id').where('handle', '=', handle).executeTakeFirst()
  if (taken !== undefined) throw new HttpError(409, `The handle ${handle} is already taken`)
  // Under this server's own domain only the account's own `username.<domain>` is allowed (to go
  // back to it from a custom handle); this server answers for it, so there is nothing to verify.
  const account = await db.selectFrom('accounts').select('username').where('id', '=', row.account_id).executeTakeFirstOrThrow()
  const own = defaultHandle(account.username, new URL(origin).hostname)
  if (handle !== own && handle.endsWith(`.${new URL(origin).hostname.toLowerCase()}`)) {
    throw unprocessable(`Handles under this server's own domain are given out by it: yours is ${own}`)
  }
  if (handle !== own && !(await verifyHandle(env, handle, row.did))) {
    throw unprocessable(`Could not verify ${handle}: set a DNS TXT record _atproto.${handle} to "did=${row.did}", or serve ${row.did} at https://${handle}/.well-known/atproto-did`)
  }
  const info = await repoObject(env).info(row.did)
  if (info === null || row.rotation_key_sealed === null || row.plc_op_cid === null) throw new HttpError(409, 'This identity was not created here, so its handle cannot be changed here')
  const rotation = await Secp256k1Keypair.import(await openBytes(env, row.rotation_key_sealed, rotationContext(row.did)))
  const op = await signOperation(unsignedOperation({ rotationKey: rotation.did(), signingKey: info.signingKey, handle, endpoint: origin }, row.plc_op_cid), rotation)
  await submitOperation(env, row.did, op)
  const updated = await repoObject(env).updateHandle(row.did, handle)
  if (!updated.ok) throw new HttpError(409, `The handle could not be changed: ${updated.message}`)
  await db
    .updateTable('atproto_accounts')
    .set({ handle, plc_op_cid: await operationCid(op), updated_at: new Date().toISOString() })
    .where('account_id', '=', row.account_id)
    .execute()
}
