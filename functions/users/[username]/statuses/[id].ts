import { serveLocalStatus } from '../../../../backend/federation/serve'
import { route } from '../../../../backend/http/route'

export const onRequest = route<'username' | 'id'>({
  GET: ({ request, env, data, params }) => serveLocalStatus(env, data.db, request, String(params.username), String(params.id), false),
})
