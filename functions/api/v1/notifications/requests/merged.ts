import { route } from '../../../../../backend/http/route'
import { requireUser } from '../../../../../backend/auth/authenticate'

// Accepting and dismissing requests happens within the request here, so there is never a merge pending.
export const onRequest = route({
  GET: async (ctx) => {
    await requireUser(ctx, 'read:notifications')
    return Response.json({ merged: true })
  },
})
