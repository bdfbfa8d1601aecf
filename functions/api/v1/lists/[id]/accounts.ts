import { requireUser } from '../../../../../backend/auth/authenticate'
import { readParams } from '../../../../../backend/http/body'
import { HttpError } from '../../../../../backend/http/errors'
import { pagedJson } from '../../../../../backend/http/paged'
import { route } from '../../../../../backend/http/route'
import { isId } from '../../../../../backend/ids'
import { addListAccounts, listMembers, removeListAccounts } from '../../../../../backend/lists/lists'
import { renderAccount } from '../../../../../backend/mastodon/account'

/** account_ids[] may come in the body or, for DELETE from some clients, in the query. */
async function params(request: Request): Promise<Record<string, unknown>> {
  const query = new URL(request.url).searchParams.getAll('account_ids[]')
  if (query.length > 0) return { account_ids: query }
  return readParams(request)
}

export const onRequest = route<'id'>({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:lists')
    const url = new URL(ctx.request.url)
    const raw = url.searchParams.get('limit')
    const limit = raw === null || raw === '' ? 40 : Math.min(Math.max(Number(raw) || 0, 0), 80)
    const cursor = (name: string) => {
      const v = url.searchParams.get(name)
      if (v !== null && v !== '' && !isId(v)) throw new HttpError(400, `${name} must be an id`)
      return v === '' ? null : v
    }
    const rows = await listMembers(ctx.data.db, user.accountId, String(ctx.params.id), limit, cursor('max_id'), cursor('since_id'))
    const accounts = rows.map((r) => renderAccount(r, url.origin))
    return limit === 0 ? Response.json(accounts) : pagedJson(ctx.request.url, accounts)
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:lists')
    await addListAccounts(ctx.env, ctx.data.db, user.accountId, String(ctx.params.id), await params(ctx.request))
    return Response.json({})
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:lists')
    await removeListAccounts(ctx.env, ctx.data.db, user.accountId, String(ctx.params.id), await params(ctx.request))
    return Response.json({})
  },
})
