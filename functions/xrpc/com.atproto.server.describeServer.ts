import { xrpcQuery } from '../../backend/atproto/xrpc'

// Accounts are made through Herd's own sign-up, never over XRPC, so no invite codes are handed out here.
export const onRequest = xrpcQuery(({ request }) => {
  const host = new URL(request.url).hostname
  return Response.json({ did: `did:web:${host}`, availableUserDomains: [`.${host}`], inviteCodeRequired: true, links: {}, contact: {} })
})
