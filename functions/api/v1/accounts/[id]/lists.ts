import { requireUser } from '../../../../../backend/auth/authenticate'
import { route } from '../../../../../backend/http/route'
import { listsContaining } from '../../../../../backend/lists/lists'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:lists')
    return Response.json(await listsContaining(ctx.data.db, user.accountId, String(ctx.params.id)))
  },
})
