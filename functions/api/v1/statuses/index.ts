import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { optionalUser, requireUser } from '../../../../backend/auth/authenticate'
import { writerOf } from '../../../../backend/statuses/writer'
import { createStatus } from '../../../../backend/scheduled/scheduled'
import { readStatuses } from '../../../../backend/statuses/read'

export const onRequest = route({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    const url = new URL(ctx.request.url)
    const ids = [...url.searchParams.getAll('id[]'), ...url.searchParams.getAll('id')]
    return Response.json(await readStatuses(ctx.data.db, viewer?.accountId ?? null, ids, url.origin))
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    const params = await readParams(ctx.request)
    return Response.json(await createStatus(writerOf(ctx), user.accountId, params, ctx.request.headers.get('Idempotency-Key')))
  },
})
