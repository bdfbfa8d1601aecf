import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readCredentialAccount } from '../../../../backend/accounts/read'
import { removeProfileImage } from '../../../../backend/accounts/update'

export const onRequest = route({
  DELETE: async (ctx) => {
    const auth = await requireUser(ctx, 'write:accounts')
    await removeProfileImage(ctx.env, ctx.data.d1, auth.accountId, 'header')
    return Response.json(await readCredentialAccount(ctx.data.db, auth.accountId, new URL(ctx.request.url).origin))
  },
})
