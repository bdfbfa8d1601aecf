import { linkHeader } from '../timelines/page'

/** A JSON list with Mastodon's `Link` paging header, built from the first and last entries' ids. */
export function pagedJson<T extends { id: string }>(requestUrl: string, items: T[], cursorOf: (item: T) => string = (i) => i.id): Response {
  const first = items[0]
  const last = items[items.length - 1]
  const link = linkHeader(requestUrl, first && cursorOf(first), last && cursorOf(last))
  return Response.json(items, { headers: link ? { Link: link } : {} })
}

/** Mastodon's boolean query parameters: true, 1, on, yes (and their opposites). */
export function flag(params: URLSearchParams, name: string): boolean {
  const v = params.get(name)
  return v !== null && ['true', '1', 'on', 'yes'].includes(v.toLowerCase())
}
