import { sql } from 'kysely'
import type { Selectable } from 'kysely'
import type { Db } from '../db/client'
import type { ConversationsTable } from '../db/schema'
import { isId } from '../ids'
import { notFound } from '../http/errors'
import { renderAccount, type AccountRow, type MastodonAccount } from '../mastodon/account'
import { loadStatuses, type MastodonStatus } from '../mastodon/status'
import { authorHidden } from '../relationships/visibility'
import { keyset } from '../timelines/queries'
import { newestFirst, type PageRequest } from '../timelines/page'

export type ConversationRow = Selectable<ConversationsTable>

export interface MastodonConversation {
  id: string
  unread: boolean
  accounts: MastodonAccount[]
  last_status: MastodonStatus | null
}

/** Participants' ids of a row: the JSON array kept on it. */
function participantsOf(row: Pick<ConversationRow, 'participants'>): string[] {
  try {
    const ids: unknown = JSON.parse(row.participants)
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

async function accountsByIds(db: Db, ids: string[]): Promise<Map<string, AccountRow>> {
  const unique = [...new Set(ids)]
  const out = new Map<string, AccountRow>()
  // D1 binds at most 100 parameters; a page's participants are read in as many queries as needed.
  for (let i = 0; i < unique.length; i += 90) {
    const rows = await db.selectFrom('accounts').selectAll().where('id', 'in', unique.slice(i, i + 90)).execute()
    for (const r of rows) out.set(r.id, r)
  }
  return out
}

/**
 * Renders conversation rows of one owner: the other participants (the owner alone in a note to
 * self, as Mastodon shows it) and the last status as the owner sees it. Three queries a page.
 */
export async function renderConversations(db: Db, ownerId: string, rows: ConversationRow[], origin: string): Promise<MastodonConversation[]> {
  if (rows.length === 0) return []
  const others = rows.map(participantsOf)
  const [accounts, statuses] = await Promise.all([
    accountsByIds(db, [ownerId, ...others.flat()]),
    loadStatuses(db, rows.map((r) => r.last_status_id), origin, ownerId),
  ])
  const byId = new Map(statuses.map((s) => [s.id, s]))
  return rows.map((row, i) => {
    const ids = others[i] ?? []
    const shown = (ids.length > 0 ? ids : [ownerId]).flatMap((id) => {
      const a = accounts.get(id)
      return a ? [renderAccount(a, origin)] : []
    })
    return { id: row.id, unread: row.unread === 1, accounts: shown, last_status: byId.get(row.last_status_id) ?? null }
  })
}

export interface ConversationPage {
  conversations: MastodonConversation[]
  /** Last-status ids of the first and last rows, the cursors Mastodon pages conversations by. */
  newest: string | undefined
  oldest: string | undefined
}

/**
 * The viewer's conversations, most recently active first: one range scan of (account_id,
 * last_status_id) joined to the last status by primary key. Conversations whose last status comes
 * from someone the viewer now blocks or mutes (or who blocks them) are left out, as timelines do.
 */
export async function conversationsPage(db: Db, viewerId: string, page: PageRequest, origin: string): Promise<ConversationPage> {
  const { where, order } = keyset('conversations.last_status_id', page)
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('statuses', 'statuses.id', 'conversations.last_status_id')
    .selectAll('conversations')
    .where('conversations.account_id', '=', viewerId)
    .where(where)
    .where(sql<boolean>`NOT ${authorHidden(viewerId, 'statuses.account_id')}`)
    .orderBy('conversations.last_status_id', order)
    .limit(page.limit)
    .execute()
  const ordered = newestFirst(page, rows)
  return {
    conversations: await renderConversations(db, viewerId, ordered, origin),
    newest: ordered[0]?.last_status_id,
    oldest: ordered[ordered.length - 1]?.last_status_id,
  }
}

async function ownConversation(db: Db, viewerId: string, id: string): Promise<ConversationRow> {
  if (!isId(id)) throw notFound()
  const row = await db.selectFrom('conversations').selectAll().where('account_id', '=', viewerId).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound()
  return row
}

/** POST /api/v1/conversations/:id/read. */
export async function markConversationRead(db: Db, viewerId: string, id: string, origin: string): Promise<MastodonConversation> {
  const row = await ownConversation(db, viewerId, id)
  await db.updateTable('conversations').set({ unread: 0 }).where('account_id', '=', viewerId).where('id', '=', id).execute()
  const [rendered] = await renderConversations(db, viewerId, [{ ...row, unread: 0 }], origin)
  if (!rendered) throw notFound()
  return rendered
}

/** DELETE /api/v1/conversations/:id: gone for the viewer only; the statuses and others' copies stay. */
export async function removeConversation(db: Db, viewerId: string, id: string): Promise<void> {
  await ownConversation(db, viewerId, id)
  await db.deleteFrom('conversations').where('account_id', '=', viewerId).where('id', '=', id).execute()
}

/** The conversations a just-stored status became the last status of, by owner, for the direct stream. */
export async function conversationsEndingWith(db: Db, statusId: string): Promise<ConversationRow[]> {
  return db
    .selectFrom('conversation_statuses')
    .innerJoin('conversations', (j) => j.onRef('conversations.account_id', '=', 'conversation_statuses.account_id').onRef('conversations.id', '=', 'conversation_statuses.conversation_id'))
    .selectAll('conversations')
    .where('conversation_statuses.status_id', '=', statusId)
    .where('conversations.last_status_id', '=', statusId)
    .execute()
}
