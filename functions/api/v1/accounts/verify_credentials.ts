import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readCredentialAccount } from '../../../../backend/accounts/read'

export const onRequest = route({
  GET: async (ctx) => {
    const auth = await requireUser(ctx, ['read:accounts', 'profile'])
    return Response.json(await readCredentialAccount(ctx.data.db, auth.accountId, new URL(ctx.request.url).origin))
  },
})
