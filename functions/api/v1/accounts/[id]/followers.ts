import { route } from '../../../../../backend/http/route'
import { optionalUser } from '../../../../../backend/auth/authenticate'
import { readAccount } from '../../../../../backend/accounts/read'
import { accountListResponse } from '../../../../../backend/relationships/http'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    await optionalUser(ctx, 'read:accounts')
    const account = await readAccount(ctx.data.db, String(ctx.params.id), new URL(ctx.request.url).origin)
    return accountListResponse(ctx, 'followers', account.id)
  },
})
