import { filtersChanged } from '../../../../../backend/streaming/filters-changed'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { deleteFilterStatus, ownFilterStatus } from '../../../../../backend/filters/filters'
import { route } from '../../../../../backend/http/route'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:filters')
    return Response.json(await ownFilterStatus(ctx.data.db, user.accountId, String(ctx.params.id)))
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:filters')
    await deleteFilterStatus(ctx.data.db, user.accountId, String(ctx.params.id))
    filtersChanged(ctx, user.accountId)
    return Response.json({})
  },
})
