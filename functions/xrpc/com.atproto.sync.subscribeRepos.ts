import type { Env } from '../../backend/env'
import { xrpcErrorResponse } from '../../backend/atproto/xrpc'
import { repoObject } from '../../backend/atproto/repos'

// The firehose lives in the RepoObject, which holds the socket (hibernatable) and the event log.
export const onRequest: PagesFunction<Env> = ({ request, env }) => {
  if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
    return xrpcErrorResponse(400, 'InvalidRequest', 'subscribeRepos is a WebSocket endpoint: send an Upgrade request')
  }
  return repoObject(env).fetch(request)
}
