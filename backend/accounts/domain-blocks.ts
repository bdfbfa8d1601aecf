import type { Db } from '../db/client'
import type { Env } from '../env'
import { HttpError, unprocessable } from '../http/errors'

/** A host name as people type it: `example.com`, `https://example.com/`, or `Example.COM`. */
export function normalizeDomain(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw unprocessable("Validation failed: Domain can't be blank")
  let text = value.trim().toLowerCase()
  if (/^[a-z]+:\/\//.test(text)) {
    try {
      text = new URL(text).hostname
    } catch {
      throw unprocessable('Validation failed: Domain is not a valid domain name')
    }
  }
  text = text.replace(/\/+$/, '')
  if (text.length > 253 || !/^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}\p{N}][\p{L}\p{N}-]{0,61}$/u.test(text)) {
    throw unprocessable('Validation failed: Domain is not a valid domain name')
  }
  return text
}

/** GET /api/v1/domain_blocks, paged by domain name (few per person; no ids to page by). */
export async function listDomainBlocks(db: Db, accountId: string, limit: number, after: string | null): Promise<string[]> {
  let q = db.selectFrom('account_domain_blocks').select('domain').where('account_id', '=', accountId)
  if (after !== null) q = q.where('domain', '>', after)
  return (await q.orderBy('domain').limit(limit).execute()).map((r) => r.domain)
}

/**
 * Hides a whole domain from one person: follows both ways between them and that domain's
 * accounts end, and those accounts' posts leave the person's home timeline, in one transaction.
 */
export async function blockDomain(env: Pick<Env, 'DB'>, accountId: string, domainParam: unknown, ownDomain: string): Promise<void> {
  const domain = normalizeDomain(domainParam)
  if (domain === ownDomain) throw new HttpError(422, 'Validation failed: You cannot block your own domain')
  const d1 = env.DB
  await d1.batch([
    d1.prepare('INSERT OR IGNORE INTO account_domain_blocks (account_id, domain) VALUES (?, ?)').bind(accountId, domain),
    d1.prepare('DELETE FROM follows WHERE account_id = ? AND target_account_id IN (SELECT id FROM accounts WHERE domain = ?)').bind(accountId, domain),
    d1.prepare('DELETE FROM follows WHERE target_account_id = ? AND account_id IN (SELECT id FROM accounts WHERE domain = ?)').bind(accountId, domain),
    d1.prepare('DELETE FROM home_feed WHERE account_id = ? AND author_id IN (SELECT id FROM accounts WHERE domain = ?)').bind(accountId, domain),
  ])
}

export async function unblockDomain(db: Db, accountId: string, domainParam: unknown): Promise<void> {
  const domain = normalizeDomain(domainParam)
  await db.deleteFrom('account_domain_blocks').where('account_id', '=', accountId).where('domain', '=', domain).execute()
}
