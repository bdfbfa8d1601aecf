import { filtersChanged } from '../../../../../backend/streaming/filters-changed'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { addFilterStatus, oneFilter } from '../../../../../backend/filters/filters'
import { readParams } from '../../../../../backend/http/body'
import { route } from '../../../../../backend/http/route'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:filters')
    return Response.json((await oneFilter(ctx.data.db, user.accountId, String(ctx.params.id))).statuses)
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    const result = await addFilterStatus(ctx.data.db, user.accountId, String(ctx.params.id), await readParams(ctx.request))
    filtersChanged(ctx, user.accountId)
    return Response.json(result)
  },
})
