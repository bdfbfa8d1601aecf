import { xrpcErrorResponse } from '../../backend/atproto/xrpc'

// Any XRPC method Herd does not serve.
export const onRequest: PagesFunction = ({ request }) =>
  xrpcErrorResponse(501, 'MethodNotImplemented', `Method not implemented: ${new URL(request.url).pathname.slice('/xrpc/'.length)}`)
