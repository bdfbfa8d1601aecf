import { carResponse, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { repoObject, requireActiveRepo } from '../../backend/atproto/repos'

// `since` is accepted but the answer is always the whole repository, which a client may use
// in place of a diff.
export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireActiveRepo(env, requiredParam(params, 'did'))
  return carResponse((await repoObject(env).getRepoCar(info.did)) ?? new Uint8Array())
})
