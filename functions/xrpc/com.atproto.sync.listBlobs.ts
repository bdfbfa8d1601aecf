import { intParam, optionalParam, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { repoObject, requireActiveRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireActiveRepo(env, requiredParam(params, 'did'))
  const limit = intParam(params, 'limit', 500, 1, 1000)
  const cids = await repoObject(env).listBlobs(info.did, optionalParam(params, 'since'), limit, optionalParam(params, 'cursor'))
  const last = cids.at(-1)
  return Response.json({ ...(cids.length === limit && last ? { cursor: last } : {}), cids })
})
