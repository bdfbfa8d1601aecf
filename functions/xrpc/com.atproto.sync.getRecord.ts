import { carResponse, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { repoObject, requireActiveRepo } from '../../backend/atproto/repos'

// The CAR proves the record's presence, or its absence, under the current signed commit.
export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireActiveRepo(env, requiredParam(params, 'did'))
  const proof = await repoObject(env).getRecordProof(info.did, requiredParam(params, 'collection'), requiredParam(params, 'rkey'))
  return carResponse(proof ?? new Uint8Array())
})
