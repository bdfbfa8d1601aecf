/**
 * Errors that become Mastodon-style JSON answers: `{"error": "..."}` with a 4xx status.
 * Anything else thrown from a handler is a bug and becomes a 500 without details.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly description?: string,
  ) {
    super(message)
  }
}

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}, description?: string): Response {
  const body: { error: string; error_description?: string } = { error: message }
  if (description !== undefined) body.error_description = description
  return Response.json(body, { status, headers })
}

export function notFound(message = 'Record not found'): HttpError {
  return new HttpError(404, message)
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message)
}

export function unprocessable(message: string): HttpError {
  return new HttpError(422, message)
}

export function toResponse(err: unknown): Response {
  if (err instanceof HttpError) return errorResponse(err.status, err.message, err.headers, err.description)
  console.error('unhandled error', err instanceof Error ? (err.stack ?? err.message) : String(err))
  return errorResponse(500, 'Internal server error')
}
