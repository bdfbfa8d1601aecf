import { requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { didDocument, repoObject, resolveRepo } from '../../backend/atproto/repos'

export const onRequest = xrpcQuery(async ({ env, request }, params) => {
  const info = await resolveRepo(env, requiredParam(params, 'repo'))
  return Response.json({
    handle: info.handle,
    did: info.did,
    didDoc: didDocument(info, new URL(request.url).origin),
    collections: await repoObject(env).collections(info.did),
    handleIsCorrect: true,
  })
})
