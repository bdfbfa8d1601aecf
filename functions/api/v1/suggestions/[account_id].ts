import { requireUser } from '../../../../backend/auth/authenticate'
import { route } from '../../../../backend/http/route'
import { dismissSuggestion } from '../../../../backend/accounts/discovery'

export const onRequest = route<'account_id'>({
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'read')
    await dismissSuggestion(ctx.data.db, user.accountId, String(ctx.params.account_id))
    return Response.json({})
  },
})
