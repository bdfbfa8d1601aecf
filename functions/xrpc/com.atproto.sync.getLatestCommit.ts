import { requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { requireRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireRepo(env, requiredParam(params, 'did'))
  return Response.json({ cid: info.head, rev: info.rev })
})
