import { filtersChanged } from '../../../../backend/streaming/filters-changed'
import { requireUser } from '../../../../backend/auth/authenticate'
import { createFilter, loadFilters } from '../../../../backend/filters/filters'
import { readParams } from '../../../../backend/http/body'
import { route } from '../../../../backend/http/route'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:filters')
    return Response.json(await loadFilters(ctx.data.db, user.accountId))
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    const result = await createFilter(ctx.env, ctx.data.db, user.accountId, await readParams(ctx.request))
    filtersChanged(ctx, user.accountId)
    return Response.json(result)
  },
})
