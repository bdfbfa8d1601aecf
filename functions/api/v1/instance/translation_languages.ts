import { route } from '../../../../backend/http/route'

// Herd has no translation service, so no language pair can be translated: Mastodon's answer for that is an empty map.
export const onRequest = route({ GET: () => Response.json({}) })
