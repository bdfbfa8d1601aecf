// The instance's own actor (an Application at `/actor`). It signs the fetches the server makes on nobody's
// behalf — remote actors, keys, notes — so that peers with authorized fetch answer them. Its key pair is made
// once, on first use, and its private half is sealed under HERD_KEK like account keys.
import { generateAccountKeys } from '../auth/keys'
import { openBytes } from '../crypto/seal'
import type { Db } from '../db/client'
import type { Env } from '../env'
import { AP_CONTEXT, sharedInboxUrl, type ApObject } from './objects'
import { keyIdOf, type Signer } from './signed-fetch'

/** Associated data for sealing the instance actor's key: not an account id, so never confused with one. */
const SEAL_CONTEXT = 'instance-actor'
export const INSTANCE_ACTOR_USERNAME = 'actor'

export function instanceActorUri(origin: string): string {
  return `${origin}/actor`
}

export interface InstanceActorRow {
  uri: string
  public_key_pem: string
  private_key_encrypted: string
}

async function readRow(db: Db): Promise<InstanceActorRow | undefined> {
  return db.selectFrom('instance_actor').select(['uri', 'public_key_pem', 'private_key_encrypted']).where('id', '=', 1).executeTakeFirst()
}

/** The instance actor, created with its key pair the first time it is needed. Concurrent first uses keep one row. */
export async function ensureInstanceActor(env: Pick<Env, 'HERD_KEK'>, db: Db, origin: string): Promise<InstanceActorRow> {
  const existing = await readRow(db)
  if (existing) return existing
  const keys = await generateAccountKeys(env, SEAL_CONTEXT)
  await db
    .insertInto('instance_actor')
    .values({ id: 1, uri: instanceActorUri(origin), public_key_pem: keys.publicKeyPem, private_key_encrypted: keys.privateKeyEncrypted })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
  const row = await readRow(db)
  if (!row) throw new Error('instance actor was not stored')
  return row
}

/**
 * The signer for fetches made on the instance's behalf. Without an origin at hand (a queue consumer), the
 * stored actor is used, or the origin of a local account; with neither, there is nothing to sign with: null.
 */
export async function instanceSigner(env: Pick<Env, 'HERD_KEK'>, db: Db, origin?: string): Promise<Signer | null> {
  let row = await readRow(db)
  if (!row) {
    let from = origin
    if (from === undefined) {
      const local = await db.selectFrom('accounts').select('uri').where('domain', '=', '').limit(1).executeTakeFirst()
      if (!local) return null
      from = new URL(local.uri).origin
    }
    row = await ensureInstanceActor(env, db, from)
  }
  const pkcs8 = await openBytes(env, row.private_key_encrypted, SEAL_CONTEXT)
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
  return { keyId: keyIdOf(row.uri), privateKey }
}

/** The Application document served at `/actor`. */
export function renderInstanceActor(row: InstanceActorRow, origin: string): ApObject {
  return {
    '@context': AP_CONTEXT,
    id: row.uri,
    type: 'Application',
    preferredUsername: new URL(origin).host,
    name: new URL(origin).host,
    url: `${origin}/about`,
    inbox: `${row.uri}/inbox`,
    outbox: `${row.uri}/outbox`,
    endpoints: { sharedInbox: sharedInboxUrl(origin) },
    manuallyApprovesFollowers: true,
    discoverable: false,
    publicKey: { id: keyIdOf(row.uri), owner: row.uri, publicKeyPem: row.public_key_pem },
  }
}
