import { route } from '../../../backend/http/route'
import { readParams } from '../../../backend/http/body'
import { backToForm, seeOther } from '../../../backend/http/form'
import { notFound } from '../../../backend/http/errors'
import { addDomainBlock, decideRegistration, removeDomainBlock, requireAdminForm, resolveReport, saveSettings } from '../../../backend/web/admin'
import type { Context } from '../../../backend/http/route'

type Action = (ctx: Context<'action'>, params: Record<string, unknown>) => Promise<void>

/** Each owner form: the page it returns to, and what it does. */
const ACTIONS: Record<string, { page: string; run: Action }> = {
  settings: { page: '/admin', run: ({ env }, p) => saveSettings(env, p) },
  registration: { page: '/admin/registrations', run: ({ data }, p) => decideRegistration(data.db, p.account_id, p.decision) },
  'resolve-report': { page: '/admin/reports', run: ({ data }, p) => resolveReport(data.db, p.id) },
  'block-domain': { page: '/admin/domain-blocks', run: ({ env, data }, p) => addDomainBlock(env, data.db, p) },
  'unblock-domain': { page: '/admin/domain-blocks', run: ({ env, data }, p) => removeDomainBlock(env, data.db, p.domain) },
}

// POST /admin/actions/:action — the owner pages' forms. The admin check runs here, on every post,
// whatever the page that showed the form checked.
export const onRequest = route<'action'>({
  POST: async (ctx) => {
    const name = String(ctx.params.action)
    const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined
    if (action === undefined) throw notFound()
    const params = await readParams(ctx.request)
    await requireAdminForm(ctx.env, ctx.data.db, ctx.request, params)
    try {
      await action.run(ctx, params)
    } catch (err) {
      return backToForm(action.page, err)
    }
    return seeOther(`${action.page}?saved=1`)
  },
})
