import { filtersChanged } from '../../../../../backend/streaming/filters-changed'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { deleteKeyword, ownKeyword, renderKeyword, updateKeyword } from '../../../../../backend/filters/filters'
import { readParams } from '../../../../../backend/http/body'
import { route } from '../../../../../backend/http/route'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:filters')
    return Response.json(renderKeyword(await ownKeyword(ctx.data.db, user.accountId, String(ctx.params.id))))
  },
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    const result = await updateKeyword(ctx.data.db, user.accountId, String(ctx.params.id), await readParams(ctx.request))
    filtersChanged(ctx, user.accountId)
    return Response.json(result)
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    await deleteKeyword(ctx.data.db, user.accountId, String(ctx.params.id))
    filtersChanged(ctx, user.accountId)
    return Response.json({})
  },
})
