import { requireUser } from '../../../../backend/auth/authenticate'
import { readParams } from '../../../../backend/http/body'
import { route } from '../../../../backend/http/route'
import { createList, myLists } from '../../../../backend/lists/lists'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:lists')
    return Response.json(await myLists(ctx.data.db, user.accountId))
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:lists')
    return Response.json(await createList(ctx.env, ctx.data.db, user.accountId, await readParams(ctx.request)))
  },
})
