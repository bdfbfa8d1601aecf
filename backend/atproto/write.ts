import type { Env } from '../env'
import type { CommitResult, RepoResult, WriteInput } from '../../do/repo/types'
import { repoObject } from './repos'
import { openRepoSigningKey } from './signing-key'

/**
 * Writes records into a bridged account's repository as one signed commit. The RepoObject keeps
 * the signing key only sealed; it is opened here, with HERD_KEK, for this one commit.
 */
export async function writeRecords(env: Pick<Env, 'REPO' | 'HERD_KEK'>, did: string, writes: WriteInput[]): Promise<RepoResult<CommitResult>> {
  const repo = repoObject(env)
  const sealed = await repo.sealedSigningKey(did)
  if (sealed === null) return { ok: false, error: 'RepoNotFound', message: `Could not find repo: ${did}` }
  const key = await openRepoSigningKey(env, did, sealed)
  return repo.applyWrites(did, writes, key)
}
