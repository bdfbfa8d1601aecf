import { requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { requireRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireRepo(env, requiredParam(params, 'did'))
  return Response.json({ did: info.did, active: info.active, ...(info.active ? { rev: info.rev } : { status: 'deactivated' }) })
})
