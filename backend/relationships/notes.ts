import { sql } from 'kysely'
import { notFound, unprocessable } from '../http/errors'
import { accountById } from '../accounts/read'
import type { ActionContext } from './actions'

/** Mastodon's limit on a private account note. */
export const ACCOUNT_NOTE_MAX_LENGTH = 2000

/**
 * POST /api/v1/accounts/:id/note: the viewer's private note about an account, shown back only in
 * their Relationship with it. An empty or absent comment removes the note.
 */
export async function setAccountNote(ctx: ActionContext, targetId: string, params: Record<string, unknown>): Promise<void> {
  const comment = params.comment ?? ''
  if (typeof comment !== 'string') throw unprocessable('comment must be text')
  if ([...comment].length > ACCOUNT_NOTE_MAX_LENGTH) throw unprocessable(`Validation failed: Comment is too long (maximum is ${ACCOUNT_NOTE_MAX_LENGTH} characters)`)
  if ((await accountById(ctx.db, targetId)) === null) throw notFound()
  if (comment.trim() === '') {
    await ctx.db.deleteFrom('account_notes').where('account_id', '=', ctx.viewerId).where('target_account_id', '=', targetId).execute()
    return
  }
  await ctx.db
    .insertInto('account_notes')
    .values({ account_id: ctx.viewerId, target_account_id: targetId, comment })
    .onConflict((oc) => oc.columns(['account_id', 'target_account_id']).doUpdateSet({ comment, updated_at: sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` }))
    .execute()
}
