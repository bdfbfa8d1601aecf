import { filtersChanged } from '../../../../backend/streaming/filters-changed'
import { requireUser } from '../../../../backend/auth/authenticate'
import { deleteV1Filter, loadFilters, ownKeyword, updateV1Filter, v1Filters } from '../../../../backend/filters/filters'
import { readParams } from '../../../../backend/http/body'
import { route } from '../../../../backend/http/route'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:filters')
    const kw = await ownKeyword(ctx.data.db, user.accountId, String(ctx.params.id))
    return Response.json(v1Filters(await loadFilters(ctx.data.db, user.accountId, kw.filter_id)).find((f) => f.id === kw.id))
  },
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    const result = await updateV1Filter(ctx.env, ctx.data.db, user.accountId, String(ctx.params.id), await readParams(ctx.request))
    filtersChanged(ctx, user.accountId)
    return Response.json(result)
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    await deleteV1Filter(ctx.env, ctx.data.db, user.accountId, String(ctx.params.id))
    filtersChanged(ctx, user.accountId)
    return Response.json({})
  },
})
