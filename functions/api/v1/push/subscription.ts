import { bearerToken, requireUser } from '../../../../backend/auth/authenticate'
import { readParams } from '../../../../backend/http/body'
import { notFound } from '../../../../backend/http/errors'
import { route } from '../../../../backend/http/route'
import { renderSubscription, subscribe, subscriptionForToken, unsubscribe, updateSubscription } from '../../../../backend/push/subscriptions'

export const onRequest = route({
  POST: async (ctx) => {
    const auth = await requireUser(ctx, 'push')
    const token = bearerToken(ctx.request) as string
    const row = await subscribe(ctx.env, ctx.data.db, { tokenId: auth.tokenId, accountId: auth.accountId, token }, await readParams(ctx.request))
    return Response.json(await renderSubscription(ctx.env, row))
  },
  GET: async (ctx) => {
    const auth = await requireUser(ctx, 'push')
    const row = await subscriptionForToken(ctx.data.db, auth.tokenId)
    if (row === null) throw notFound()
    return Response.json(await renderSubscription(ctx.env, row))
  },
  PUT: async (ctx) => {
    const auth = await requireUser(ctx, 'push')
    return Response.json(await renderSubscription(ctx.env, await updateSubscription(ctx.data.db, auth.tokenId, await readParams(ctx.request))))
  },
  DELETE: async (ctx) => {
    const auth = await requireUser(ctx, 'push')
    await unsubscribe(ctx.data.db, auth.tokenId)
    return Response.json({})
  },
})
