import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { requireToken } from '../../../../backend/auth/authenticate'
import { register } from '../../../../backend/accounts/register'

export const onRequest = route({
  POST: async (ctx) => {
    const auth = await requireToken(ctx, 'write:accounts')
    const params = await readParams(ctx.request)
    const origin = new URL(ctx.request.url).origin
    return Response.json(await register(ctx.env, ctx.data.db, ctx.data.d1, auth.appId, params, origin))
  },
})
