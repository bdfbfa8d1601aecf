import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { statusContext } from '../../../../../backend/mastodon/reads'
import { originOf } from '../../../../../backend/instance/documents'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    return Response.json(await statusContext(ctx.data.db, String(ctx.params.id), originOf(ctx.request.url).origin, viewer?.accountId ?? null))
  },
})
