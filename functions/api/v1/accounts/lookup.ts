import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { lookupAccount } from '../../../../backend/accounts/read'

export const onRequest = route({
  GET: async (ctx) => {
    await optionalUser(ctx, 'read:accounts')
    const url = new URL(ctx.request.url)
    return Response.json(await lookupAccount(ctx.data.db, url.searchParams.get('acct'), url.origin))
  },
})
