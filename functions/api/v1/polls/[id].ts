import { route } from '../../../../backend/http/route'
import { optionalUser } from '../../../../backend/auth/authenticate'
import { readPoll } from '../../../../backend/polls/vote'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    return Response.json(await readPoll(ctx.data.db, viewer?.accountId ?? null, String(ctx.params.id)))
  },
})
