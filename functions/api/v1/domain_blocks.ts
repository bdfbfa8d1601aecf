import { requireUser } from '../../../backend/auth/authenticate'
import { blockDomain, listDomainBlocks, unblockDomain } from '../../../backend/accounts/domain-blocks'
import { readParams } from '../../../backend/http/body'
import { route } from '../../../backend/http/route'

/** The domain may come in the body (JSON or form) or, as some clients send it, in the query. */
async function domainParam(request: Request): Promise<unknown> {
  const query = new URL(request.url).searchParams.get('domain')
  if (query !== null) return query
  return (await readParams(request)).domain
}

export const onRequest = route({
  GET: async (ctx) => {
    const user = await requireUser(ctx, 'read:blocks')
    const url = new URL(ctx.request.url)
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), 200)
    const after = url.searchParams.get('max_id')
    const domains = await listDomainBlocks(ctx.data.db, user.accountId, limit, after)
    const headers = new Headers()
    if (domains.length === limit) {
      const next = new URL(url)
      next.searchParams.set('max_id', domains[domains.length - 1] as string)
      headers.set('Link', `<${next.href}>; rel="next"`)
    }
    return Response.json(domains, { headers })
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx, 'write:blocks')
    await blockDomain(ctx.env, user.accountId, await domainParam(ctx.request), new URL(ctx.request.url).hostname)
    return Response.json({})
  },
  DELETE: async (ctx) => {
    const user = await requireUser(ctx, 'write:blocks')
    await unblockDomain(ctx.data.db, user.accountId, await domainParam(ctx.request))
    return Response.json({})
  },
})
