import { route } from '../../../../backend/http/route'
import { activity } from '../../../../backend/instance/extras'

export const onRequest = route({ GET: async ({ data }) => Response.json(await activity(data.db)) })
