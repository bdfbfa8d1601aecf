import { requireUser } from '../../../../backend/auth/authenticate'
import { readParams } from '../../../../backend/http/body'
import { route } from '../../../../backend/http/route'
import { deleteList, ownList, renderList, updateList } from '../../../../backend/lists/lists'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:lists')
    return Response.json(renderList(await ownList(ctx.data.db, user.accountId, String(ctx.params.id))))
  },
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:lists')
    return Response.json(await updateList(ctx.data.db, user.accountId, String(ctx.params.id), await readParams(ctx.request)))
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:lists')
    await deleteList(ctx.data.db, user.accountId, String(ctx.params.id))
    return Response.json({})
  },
})
