import { errorResponse } from '../../backend/http/errors'

export const onRequest: PagesFunction = ({ request }) => errorResponse(404, `Not found: ${new URL(request.url).pathname}`)
