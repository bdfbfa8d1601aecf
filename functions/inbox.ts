import { acceptInboxPost } from '../backend/federation/inbox/intake'
import { route } from '../backend/http/route'

export const onRequest = route({
  POST: ({ request, env, data }) => acceptInboxPost(env, data.db, request),
})
