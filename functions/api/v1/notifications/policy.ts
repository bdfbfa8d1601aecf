import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readParams } from '../../../../backend/http/body'
import { policyV1, updatePolicyV1 } from '../../../../backend/notifications/policy'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:notifications')
    return Response.json(await policyV1(ctx.data.db, user.accountId))
  },
  PATCH: async (ctx) => {
    const user = await requireUser(ctx, 'write:notifications')
    return Response.json(await updatePolicyV1(ctx.data.db, user.accountId, await readParams(ctx.request)))
  },
})
