// GET /api/v1/trends: the older name of /api/v1/trends/tags.
export { onRequest } from './tags'
