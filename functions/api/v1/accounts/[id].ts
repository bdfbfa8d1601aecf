import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { readAccount } from '../../../../backend/accounts/read'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    await optionalUser(ctx, 'read:accounts')
    return Response.json(await readAccount(ctx.data.db, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
})
