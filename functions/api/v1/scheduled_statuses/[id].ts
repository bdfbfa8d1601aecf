import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { requireUser } from '../../../../backend/auth/authenticate'
import { deleteScheduled, readScheduled, updateScheduled } from '../../../../backend/scheduled/scheduled'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:statuses')
    return Response.json(await readScheduled(ctx.data.db, user.accountId, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    const params = await readParams(ctx.request)
    return Response.json(await updateScheduled(ctx.data.db, user.accountId, String(ctx.params.id), params, new URL(ctx.request.url).origin))
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    return Response.json(await deleteScheduled(ctx.data.d1, ctx.data.db, user.accountId, String(ctx.params.id)))
  },
})
