import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { relationships } from '../../../../backend/relationships/read'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:follows')
    const query = new URL(ctx.request.url).searchParams
    // Clients send id[]=…; a single id= is accepted too. with_suspended changes nothing here.
    const ids = [...query.getAll('id[]'), ...query.getAll('id')]
    return Response.json(await relationships(ctx.data.db, user.accountId, ids))
  },
})
