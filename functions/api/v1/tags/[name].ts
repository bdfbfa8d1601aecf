import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { originOf } from '../../../../backend/instance/documents'
import { readTag } from '../../../../backend/tags/tags'

// Public; with a token, `following` says whether its account follows the tag.
export const onRequest = route<'name'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, [])
    return Response.json(await readTag(ctx.data.db, String(ctx.params.name), viewer?.accountId ?? null, originOf(ctx.request.url).origin))
  },
})
