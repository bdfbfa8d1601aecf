import { requireUser } from '../../../backend/auth/authenticate'
import { readParams } from '../../../backend/http/body'
import { route } from '../../../backend/http/route'
import { readMarkers, saveMarkers } from '../../../backend/markers/markers'

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    const asked = [...url.searchParams.getAll('timeline[]'), ...url.searchParams.getAll('timeline')]
    return Response.json(await readMarkers(ctx.data.db, user.accountId, asked))
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    return Response.json(await saveMarkers(ctx.env, ctx.data.db, user.accountId, await readParams(ctx.request)))
  },
})
