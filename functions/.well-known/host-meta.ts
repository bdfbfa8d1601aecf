import { route } from '../../backend/http/route'
import { originOf } from '../../backend/instance/documents'
import { hostMetaJson, hostMetaXml } from '../../backend/instance/host-meta'

export const onRequest = route({
  GET: ({ request }) => {
    const o = originOf(request.url)
    const format = new URL(request.url).searchParams.get('format')
    const wantsJson = format === 'json' || (request.headers.get('accept') ?? '').includes('application/json')
    if (wantsJson) return Response.json(hostMetaJson(o), { headers: { 'Content-Type': 'application/jrd+json; charset=utf-8' } })
    return new Response(hostMetaXml(o), { headers: { 'Content-Type': 'application/xrd+xml; charset=utf-8' } })
  },
})
