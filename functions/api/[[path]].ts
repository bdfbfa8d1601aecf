import { errorResponse } from '../../backend/http/errors'

// Any /api path without a route of its own: a JSON 404, never the HTML frontend.
export const onRequest: PagesFunction = ({ request }) =>
  errorResponse(404, `No such API endpoint: ${new URL(request.url).pathname}`)
