import { acceptInboxPost } from '../../backend/federation/inbox/intake'
import { route } from '../../backend/http/route'

// Whatever peers send the instance actor is handled as shared-inbox traffic.
export const onRequest = route({
  POST: ({ request, env, data }) => acceptInboxPost(env, data.db, request),
})
