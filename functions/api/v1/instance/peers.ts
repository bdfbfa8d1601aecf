import { route } from '../../../../backend/http/route'
import { peers } from '../../../../backend/instance/extras'

export const onRequest = route({ GET: async ({ env, data }) => Response.json(await peers(env, data.db)) })
