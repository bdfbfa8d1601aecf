import { requireUser } from '../../../backend/auth/authenticate'
import { readParams } from '../../../backend/http/body'
import { route } from '../../../backend/http/route'
import { createReport } from '../../../backend/moderation/reports'

export const onRequest = route({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:reports')
    return Response.json(await createReport(ctx.env, ctx.data.db, user.accountId, await readParams(ctx.request), new URL(ctx.request.url).origin))
  },
})
