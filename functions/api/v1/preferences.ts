import { route } from '../../../backend/http/route'
import { requireUser } from '../../../backend/auth/authenticate'
import { readPreferences } from '../../../backend/accounts/preferences'

export const onRequest = route({
  GET: async (ctx) => {
    const auth = await requireUser(ctx, 'read:accounts')
    return Response.json(await readPreferences(ctx.data.db, auth.accountId))
  },
})
