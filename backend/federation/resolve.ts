import type { Env } from '../env'
import type { Db } from '../db/client'

/**
 * Fetches the remote account (`@user@domain`) or post (https URL) a search names and stores it, so
 * search can show it. This placeholder finds nothing; the federation branch replaces this file
 * with the resolver (WebFinger and signed fetches) under the same signature.
 */
export async function resolveRemote(env: Env, db: Db, query: string): Promise<{ accountIds: string[]; statusIds: string[] }> {
  void env
  void db
  void query
  return Promise.resolve({ accountIds: [], statusIds: [] })
}
