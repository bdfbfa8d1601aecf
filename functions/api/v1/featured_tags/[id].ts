import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { unfeatureById } from '../../../../backend/tags/featured'

export const onRequest = route<'id'>({
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:accounts')
    await unfeatureById(ctx.data.db, user.accountId, String(ctx.params.id))
    return Response.json({})
  },
})
