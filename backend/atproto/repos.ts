import type { Env } from '../env'
import type { RecordEntry, RepoInfo } from '../../do/repo/types'
import { XrpcError, invalidRequest } from './xrpc'

/** The one RepoObject: it holds every repository and the firehose's event log. */
export function repoObject(env: Pick<Env, 'REPO'>): DurableObjectStub<import('../../do/repo-object').RepoObject> {
  return env.REPO.get(env.REPO.idFromName('repos'))
}

/** A repository by DID, or a 400 RepoNotFound as the sync lexicons name it. */
export async function requireRepo(env: Env, did: string): Promise<RepoInfo> {
  if (!did.startsWith('did:')) throw invalidRequest(`Invalid DID: ${did}`)
  const info = await repoObject(env).info(did)
  if (info === null) throw new XrpcError(400, 'RepoNotFound', `Could not find repo for DID: ${did}`)
  return info
}

/**
 * A repository the sync reads may serve: a deactivated account's (opted out of the bridge) is a 400
 * RepoDeactivated, as the sync lexicons and the reference PDS answer anyone but its owner. Only
 * getRepoStatus and listRepos still describe it.
 */
export async function requireActiveRepo(env: Env, did: string): Promise<RepoInfo> {
  const info = await requireRepo(env, did)
  if (!info.active) throw new XrpcError(400, 'RepoDeactivated', `Repo has been deactivated: ${did}`)
  return info
}

/** An at-identifier (handle or DID) to its repository. */
export async function resolveRepo(env: Env, identifier: string): Promise<RepoInfo> {
  const did = identifier.startsWith('did:') ? identifier : await repoObject(env).resolveHandle(identifier)
  if (did === null) throw new XrpcError(400, 'RepoNotFound', `Could not find repo: ${identifier}`)
  return requireRepo(env, did)
}

/** The DID document this server vouches for: the signing key and this host as the PDS. */
export function didDocument(info: RepoInfo, origin: string): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1', 'https://w3id.org/security/suites/secp256k1-2019/v1'],
    id: info.did,
    alsoKnownAs: [`at://${info.handle}`],
    verificationMethod: [
      { id: `${info.did}#atproto`, type: 'Multikey', controller: info.did, publicKeyMultibase: info.signingKey.slice('did:key:'.length) },
    ],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: origin }],
  }
}

/** A record as com.atproto.repo.getRecord and listRecords show it. */
export function recordView(entry: RecordEntry): { uri: string; cid: string; value: unknown } {
  return { uri: entry.uri, cid: entry.cid, value: JSON.parse(entry.valueJson) as unknown }
}
