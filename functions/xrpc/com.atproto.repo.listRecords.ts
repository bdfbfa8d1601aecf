import { boolParam, intParam, optionalParam, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { recordView, repoObject, resolveRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await resolveRepo(env, requiredParam(params, 'repo'))
  const collection = requiredParam(params, 'collection')
  const limit = intParam(params, 'limit', 50, 1, 100)
  const records = await repoObject(env).listRecords(info.did, collection, limit, optionalParam(params, 'cursor'), boolParam(params, 'reverse'))
  const last = records.at(-1)
  return Response.json({ ...(records.length === limit && last ? { cursor: last.uri.slice(last.uri.lastIndexOf('/') + 1) } : {}), records: records.map(recordView) })
})
