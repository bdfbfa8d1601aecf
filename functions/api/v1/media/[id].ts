import { route } from '../../../../backend/http/route'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readParams } from '../../../../backend/http/body'
import { originOf } from '../../../../backend/instance/documents'
import { checkUploadLength, deleteMedia, readMedia, updateMedia } from '../../../../backend/media/attachments'

// Mastodon asks for write:media to read an upload as well as to change it.
export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const auth = await requireUser(ctx, 'write:media')
    return Response.json(await readMedia(ctx.data.db, auth.accountId, String(ctx.params.id), originOf(ctx.request.url).origin))
  },
  PUT: async (ctx) => {
    const auth = await requireUser(ctx, 'write:media')
    checkUploadLength(ctx.request)
    const params = await readParams(ctx.request)
    return Response.json(await updateMedia(ctx.data.db, auth.accountId, String(ctx.params.id), params, originOf(ctx.request.url).origin))
  },
  DELETE: async (ctx) => {
    const auth = await requireUser(ctx, 'write:media')
    return Response.json(await deleteMedia(ctx.env, ctx.data.db, auth.accountId, String(ctx.params.id), originOf(ctx.request.url).origin))
  },
})
