import { acceptInboxPost } from '../../../backend/federation/inbox/intake'
import { route } from '../../../backend/http/route'

export const onRequest = route<'username'>({
  POST: ({ request, env, data, params }) => acceptInboxPost(env, data.db, request, String(params.username)),
})
