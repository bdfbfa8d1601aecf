import { requireUser } from '../../../../backend/auth/authenticate'
import { route } from '../../../../backend/http/route'
import { familiarFollowers } from '../../../../backend/accounts/discovery'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:follows')
    const url = new URL(ctx.request.url)
    const ids = [...url.searchParams.getAll('id[]'), ...url.searchParams.getAll('id')]
    return Response.json(await familiarFollowers(ctx.data.db, user.accountId, ids, url.origin))
  },
})
