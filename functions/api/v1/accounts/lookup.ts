import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { lookupAccount } from '../../../../backend/accounts/read'
import { resolveAccount } from '../../../../backend/federation/resolve'

export const onRequest = route({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:accounts')
    const url = new URL(ctx.request.url)
    // Only signed-in people can make the server fetch other servers.
    const resolve = viewer === null ? undefined : (acct: string) => resolveAccount(ctx.env, ctx.data.db, acct)
    return Response.json(await lookupAccount(ctx.data.db, url.searchParams.get('acct'), url.origin, resolve))
  },
})
