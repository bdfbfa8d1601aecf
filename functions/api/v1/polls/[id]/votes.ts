import { route } from '../../../../../backend/http/route'
import { readParams } from '../../../../../backend/http/body'
import { requireUser } from '../../../../../backend/auth/authenticate'
import { vote } from '../../../../../backend/polls/vote'
import { writerOf } from '../../../../../backend/statuses/writer'

export const onRequest = route<'id'>({
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    return Response.json(await vote(writerOf(ctx), user.accountId, String(ctx.params.id), await readParams(ctx.request)))
  },
})
