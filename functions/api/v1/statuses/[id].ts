import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { flag } from '../../../../backend/http/paged'
import { optionalUser, requireUser } from '../../../../backend/auth/authenticate'
import { readStatus } from '../../../../backend/statuses/read'
import { editStatus } from '../../../../backend/statuses/edit'
import { deleteStatus } from '../../../../backend/statuses/delete'
import { writerOf } from '../../../../backend/statuses/writer'

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const viewer = await optionalUser(ctx, 'read:statuses')
    return Response.json(await readStatus(ctx.data.db, viewer?.accountId ?? null, String(ctx.params.id), new URL(ctx.request.url).origin))
  },
  PUT: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    return Response.json(await editStatus(writerOf(ctx), user.accountId, String(ctx.params.id), await readParams(ctx.request)))
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:statuses')
    const deleteMedia = flag(new URL(ctx.request.url).searchParams, 'delete_media')
    return Response.json(await deleteStatus(writerOf(ctx), user.accountId, String(ctx.params.id), deleteMedia))
  },
})
