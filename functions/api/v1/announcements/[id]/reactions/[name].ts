import { requireUser } from '../../../../../../backend/auth/authenticate'
import { route } from '../../../../../../backend/http/route'
import { unprocessable } from '../../../../../../backend/http/errors'
import { addReaction, removeReaction } from '../../../../../../backend/announcements/announcements'
import { reactionChanged } from '../../../../../../backend/announcements/events'

/** The emoji from the path; a malformed escape is bad input, not a server error. */
function reactionName(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw unprocessable('Validation failed: Name is not a recognized emoji')
  }
}

export const onRequest = route<'id' | 'name'>({
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:favourites')
    const name = reactionName(String(ctx.params.name))
    await addReaction(ctx.env, ctx.data.db, user.accountId, String(ctx.params.id), name)
    ctx.waitUntil(reactionChanged(ctx.env, ctx.data.db, String(ctx.params.id), name))
    return Response.json({})
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:favourites')
    const name = reactionName(String(ctx.params.name))
    await removeReaction(ctx.data.db, user.accountId, String(ctx.params.id), name)
    ctx.waitUntil(reactionChanged(ctx.env, ctx.data.db, String(ctx.params.id), name))
    return Response.json({})
  },
})
