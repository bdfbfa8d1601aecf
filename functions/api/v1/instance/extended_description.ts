import { route } from '../../../../backend/http/route'
import { extendedDescription } from '../../../../backend/instance/extras'

export const onRequest = route({ GET: async ({ env, data }) => Response.json(await extendedDescription(env, data.db)) })
