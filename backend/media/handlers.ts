import type { Handler } from '../http/route'
import { requireUser } from '../auth/authenticate'
import { readParams } from '../http/body'
import { originOf } from '../instance/documents'
import { checkUploadLength, createMedia } from './attachments'

/**
 * POST /api/v1/media and /api/v2/media answer alike: images are processed synchronously, so v2's
 * 202 (still processing) never happens and both answer 200 with the attachment.
 */
export const uploadMedia: Handler = async (ctx) => {
  const auth = await requireUser(ctx, 'write:media')
  checkUploadLength(ctx.request)
  const params = await readParams(ctx.request)
  return Response.json(await createMedia(ctx.env, ctx.data.db, auth.accountId, params, originOf(ctx.request.url).origin))
}
