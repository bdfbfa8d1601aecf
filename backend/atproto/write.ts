import type { Env } from '../env'
import type { CommitResult, RepoResult, WriteInput } from '../../do/repo/types'
import { repoObject } from './repos'
import { openRepoSigningKey } from './signing-key'

/**
 * Writes records as the account: the sealed signing key comes from the RepoObject, is opened here
 * with HERD_KEK (which never enters the Durable Object), and travels with this one commit only.
 */
export async function writeRecords(env: Env, did: string, writes: WriteInput[]): Promise<RepoResult<CommitResult>> {
  const repo = repoObject(env)
  const sealed = await repo.sealedSigningKey(did)
  if (sealed === null) return { ok: false, error: 'RepoNotFound', message: `Could not find repo: ${did}` }
  return repo.applyWrites(did, writes, await openRepoSigningKey(env, did, sealed))
}
