import { XrpcError, optionalParam, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { recordView, repoObject, resolveRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await resolveRepo(env, requiredParam(params, 'repo'))
  const collection = requiredParam(params, 'collection')
  const rkey = requiredParam(params, 'rkey')
  const cid = optionalParam(params, 'cid')
  const record = await repoObject(env).getRecord(info.did, collection, rkey)
  if (record === null || (cid !== undefined && record.cid !== cid)) {
    throw new XrpcError(400, 'RecordNotFound', `Could not locate record: at://${info.did}/${collection}/${rkey}`)
  }
  return Response.json(recordView(record))
})
