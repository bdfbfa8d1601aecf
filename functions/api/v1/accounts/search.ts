import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { meteredEnv } from '../../../../backend/http/context'
import { originOf } from '../../../../backend/instance/documents'
import { parseSearch, searchAccounts } from '../../../../backend/search/search'

export const onRequest = route({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:accounts')
    const query = parseSearch(new URL(ctx.request.url).searchParams, 'accounts')
    return Response.json(await searchAccounts(meteredEnv(ctx.env, ctx.data), ctx.data.d1, ctx.data.db, viewer, query, originOf(ctx.request.url).origin))
  },
})
