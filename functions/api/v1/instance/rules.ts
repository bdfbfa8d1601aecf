import { route } from '../../../../backend/http/route'
import { rules } from '../../../../backend/instance/extras'

export const onRequest = route({ GET: async ({ env, data }) => Response.json(await rules(env, data.db)) })
