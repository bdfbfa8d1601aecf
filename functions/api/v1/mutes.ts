import { route } from '../../../backend/http/route'
import { requireUser } from '../../../backend/auth/authenticate'
import { accountListResponse } from '../../../backend/relationships/http'

export const onRequest = route({
  GET: async (ctx) => accountListResponse(ctx, 'mutes', (await requireUser(ctx, 'read:mutes')).accountId),
})
