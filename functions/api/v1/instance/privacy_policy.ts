import { route } from '../../../../backend/http/route'
import { privacyPolicy } from '../../../../backend/instance/privacy-policy'

export const onRequest = route({ GET: async ({ env, data }) => Response.json(await privacyPolicy(env, data.db)) })
