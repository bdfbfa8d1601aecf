import { intParam, optionalParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { repoObject } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const limit = intParam(params, 'limit', 500, 1, 1000)
  const repos = await repoObject(env).listRepos(limit, optionalParam(params, 'cursor'))
  const last = repos.at(-1)
  return Response.json({ ...(repos.length === limit && last ? { cursor: last.did } : {}), repos })
})
