import { XrpcError, requiredParam, xrpcQuery } from '../../backend/atproto/xrpc'
import { repoObject, requireActiveRepo } from '../../backend/atproto/repos'
import { blobKey } from '../../backend/atproto/blobs'

export const onRequest = xrpcQuery(async ({ env }, params) => {
  const info = await requireActiveRepo(env, requiredParam(params, 'did'))
  const cid = requiredParam(params, 'cid')
  const blob = await repoObject(env).getBlob(info.did, cid)
  const object = blob === null ? null : await env.MEDIA.get(blobKey(info.did, cid))
  if (blob === null || object === null) throw new XrpcError(400, 'BlobNotFound', `Blob not found: ${cid}`)
  return new Response(object.body, {
    headers: {
      'Content-Type': blob.mimeType,
      'Content-Length': String(blob.size),
      // Blobs are user content served from this origin: never let a browser run or sniff them.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
  })
})
