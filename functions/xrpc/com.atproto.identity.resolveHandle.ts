import { XrpcError, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { repoObject } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const handle = requiredParam(params, 'handle')
  const did = await repoObject(env).resolveHandle(handle)
  if (did === null) throw new XrpcError(400, 'HandleNotFound', `Unable to resolve handle: ${handle}`)
  return Response.json({ did })
})
