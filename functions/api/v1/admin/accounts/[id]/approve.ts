import { route } from '../../../../../../backend/http/route'
import { requireUser } from '../../../../../../backend/auth/authenticate'
import { requireAdmin } from '../../../../../../backend/auth/admin'
import { approveAccount } from '../../../../../../backend/accounts/register'
import { readAccount } from '../../../../../../backend/accounts/read'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const auth = await requireUser(ctx, 'admin:write:accounts')
    await requireAdmin(ctx.data.db, auth.userId)
    const id = String(ctx.params.id)
    await approveAccount(ctx.data.db, id)
    return Response.json(await readAccount(ctx.data.db, id, new URL(ctx.request.url).origin))
  },
})
