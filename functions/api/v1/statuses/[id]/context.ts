import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { statusContext } from '../../../../../backend/mastodon/reads'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    return Response.json(await statusContext(ctx.data.db, String(ctx.params.id), new URL(ctx.request.url).origin, viewer?.accountId ?? null))
  },
})
