import { route } from '../../../../backend/http/route'
import { publicDomainBlocks } from '../../../../backend/instance/extras'

export const onRequest = route({ GET: async ({ data }) => Response.json(await publicDomainBlocks(data.db)) })
