import { route } from '../../backend/http/route'
import { readParams } from '../../backend/http/body'
import { exchange } from '../../backend/oauth/token'

// Clients send form, JSON, or (some older ones) everything in the query string.
export const onRequest = route({
  POST: async ({ request, data }) => {
    const query = Object.fromEntries(new URL(request.url).searchParams)
    const params = { ...query, ...(await readParams(request)) }
    return Response.json(await exchange(data.db, request, params), { headers: { 'Cache-Control': 'no-store' } })
  },
})
