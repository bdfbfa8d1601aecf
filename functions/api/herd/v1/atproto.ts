import { route, type Context } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { requireUser } from '../../../../backend/auth/authenticate'
import { meteredEnv } from '../../../../backend/http/context'
import { optIn, optOut, parseSettings, readBridge, updateBridge } from '../../../../backend/atproto/identity'

const origin = (ctx: Context): string => new URL(ctx.request.url).origin

// The account's Bluesky bridge (Herd's own API): GET reads it, POST opts in (or back in), PATCH changes
// its settings (long_posts, handle), DELETE opts out. Off until the account turns it on.
export const onRequest = route({
  GET: async (ctx) => {
    const auth = await requireUser(ctx, 'read:accounts')
    return Response.json(await readBridge(ctx.data.db, auth.accountId))
  },
  POST: async (ctx) => {
    const auth = await requireUser(ctx, 'write:accounts')
    const settings = parseSettings(await readParams(ctx.request))
    return Response.json(await optIn(meteredEnv(ctx.env, ctx.data), ctx.data.db, auth.accountId, origin(ctx), settings))
  },
  PATCH: async (ctx) => {
    const auth = await requireUser(ctx, 'write:accounts')
    const settings = parseSettings(await readParams(ctx.request))
    return Response.json(await updateBridge(meteredEnv(ctx.env, ctx.data), ctx.data.db, auth.accountId, origin(ctx), settings))
  },
  DELETE: async (ctx) => {
    const auth = await requireUser(ctx, 'write:accounts')
    return Response.json(await optOut(meteredEnv(ctx.env, ctx.data), ctx.data.db, auth.accountId))
  },
})
