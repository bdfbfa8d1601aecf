import type { Db } from '../db/client'
import type { Env } from '../env'
import { notFound, unprocessable } from '../http/errors'
import { newId, timeOfId } from '../ids'
import { renderAccount, type AccountRow } from '../mastodon/account'
import { notificationStatements, notificationsCommitted } from '../notifications/create'

const CATEGORIES = ['spam', 'legal', 'violation', 'other'] as const
type Category = (typeof CATEGORIES)[number]
const MAX_COMMENT = 1000
const MAX_STATUSES = 100

function idList(value: unknown, name: string): string[] {
  if (value === undefined || value === null || value === '') return []
  const list = Array.isArray(value) ? value : [value]
  if (list.length > MAX_STATUSES || !list.every((v) => typeof v === 'string' || typeof v === 'number')) throw unprocessable(`Validation failed: ${name} is invalid`)
  return [...new Set(list.map(String))]
}

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1
}

/**
 * POST /api/v1/reports: stored for the admins, who each get an `admin.report` notification (and
 * so a push) in the same transaction. The reported statuses must be the reported account's.
 */
export async function createReport(env: Pick<Env, 'DB' | 'QUEUE'>, db: Db, reporterId: string, params: Record<string, unknown>, origin: string) {
  const targetId = params.account_id
  if (typeof targetId !== 'string' || targetId === '') throw unprocessable("Validation failed: Account can't be blank")
  const target = await db.selectFrom('accounts').selectAll().where('id', '=', targetId).executeTakeFirst()
  if (target === undefined) throw notFound()
  if (target.id === reporterId) throw unprocessable('Validation failed: You cannot report yourself')
  const comment = typeof params.comment === 'string' ? params.comment : ''
  if (comment.length > MAX_COMMENT) throw unprocessable(`Validation failed: Comment is too long (maximum is ${MAX_COMMENT} characters)`)
  const statusIds = idList(params.status_ids, 'status_ids')
  const ruleIds = idList(params.rule_ids, 'rule_ids')
  let category: Category = ruleIds.length > 0 ? 'violation' : 'other'
  if (params.category !== undefined && params.category !== '') {
    if (!CATEGORIES.includes(params.category as Category)) throw unprocessable('Validation failed: Category is not included in the list')
    category = params.category as Category
  }
  if (category === 'violation' && ruleIds.length === 0) throw unprocessable('Validation failed: Rule ids are required for a violation')
  if (statusIds.length > 0) {
    const found = await db.selectFrom('statuses').select('id').where('id', 'in', statusIds).where('account_id', '=', target.id).execute()
    if (found.length !== statusIds.length) throw unprocessable('Validation failed: Statuses must be posts of the reported account')
  }
  if (ruleIds.length > 0) {
    const found = await db.selectFrom('instance_rules').select('id').where('id', 'in', ruleIds.map(Number)).execute()
    if (found.length !== ruleIds.length) throw unprocessable('Validation failed: Rule ids are not rules of this server')
  }
  // Forwarding only means something for a remote account; it goes to that server as a Flag.
  const forwarded = bool(params.forward) && target.domain !== ''
  const id = newId()
  const admins = await db.selectFrom('users').select('account_id').where('role', '=', 'admin').where('account_id', 'is not', null).execute()
  const { statements, ids } = notificationStatements(
    env.DB,
    admins.map((a) => ({ accountId: a.account_id as string, fromAccountId: reporterId, type: 'admin.report' as const, key: `admin.report:${id}` })),
  )
  await env.DB.batch([
    env.DB.prepare(
      'INSERT INTO reports (id, account_id, target_account_id, status_ids, rule_ids, comment, category, forwarded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).bind(id, reporterId, target.id, JSON.stringify(statusIds), JSON.stringify(ruleIds), comment, category, forwarded ? 1 : 0),
    ...statements,
  ])
  await notificationsCommitted(env, ids)
  if (forwarded) await env.QUEUE.send({ type: 'federate', action: 'flag', actorId: reporterId, objectId: id })
  return {
    id,
    action_taken: false,
    action_taken_at: null,
    category,
    comment,
    forwarded,
    created_at: new Date(timeOfId(id)).toISOString(),
    status_ids: statusIds,
    rule_ids: ruleIds,
    target_account: renderAccount(target as AccountRow, origin),
  }
}
