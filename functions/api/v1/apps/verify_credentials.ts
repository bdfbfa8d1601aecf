import { route } from '../../../../backend/http/route'
import { requireToken } from '../../../../backend/auth/authenticate'
import { findAppById, renderApp } from '../../../../backend/oauth/apps'
import { vapidPublicKey } from '../../../../backend/push/vapid'
import { HttpError } from '../../../../backend/http/errors'

export const onRequest = route({
  GET: async (ctx) => {
    const auth = await requireToken(ctx, [])
    const app = auth.appId === null ? null : await findAppById(ctx.data.db, auth.appId)
    if (app === null) throw new HttpError(401, 'The access token is invalid')
    return Response.json(renderApp(app, await vapidPublicKey(ctx.env)))
  },
})
