import { route } from '../../backend/http/route'
import { notFound } from '../../backend/http/errors'
import { isNodeInfoVersion, nodeInfoSchemaUrl } from '../../backend/instance/nodeinfo'
import { readNodeInfo } from '../../backend/instance/read'

export const onRequest = route<'version'>({
  GET: async ({ env, data, params }) => {
    const version = String(params.version)
    if (!isNodeInfoVersion(version)) throw notFound(`Unknown NodeInfo version: ${version}`)
    return Response.json(await readNodeInfo(env, data.db, version), {
      headers: { 'Content-Type': `application/json; profile="${nodeInfoSchemaUrl(version)}#"` },
    })
  },
})
