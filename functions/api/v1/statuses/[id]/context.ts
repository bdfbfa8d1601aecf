import { route } from '../../../../../backend/http/route'
import { publicContext } from '../../../../../backend/mastodon/reads'
import { originOf } from '../../../../../backend/instance/documents'
import { optionalUser } from '../../../../../backend/auth/authenticate'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    return Response.json(await publicContext(ctx.data.db, String(ctx.params.id), originOf(ctx.request.url).origin, viewer?.accountId ?? null))
  },
})
