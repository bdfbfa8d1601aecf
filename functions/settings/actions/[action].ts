import { route } from '../../../backend/http/route'
import { readParams } from '../../../backend/http/body'
import { meteredEnv } from '../../../backend/http/context'
import { blueskyFormAction } from '../../../backend/web/bluesky-actions'

// POST /settings/actions/:action — the account settings page's forms (Bluesky bridge: on, off, settings).
export const onRequest = route<'action'>({
  POST: async (ctx) => blueskyFormAction(meteredEnv(ctx.env, ctx.data), ctx.data.db, ctx.request, String(ctx.params.action), await readParams(ctx.request)),
})
