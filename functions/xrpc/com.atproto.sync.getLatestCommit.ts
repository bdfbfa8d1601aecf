import { requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { requireActiveRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireActiveRepo(env, requiredParam(params, 'did'))
  return Response.json({ cid: info.head, rev: info.rev })
})
