import type { RequestEventLoader } from '@builder.io/qwik-city'
import { HttpError } from '../../backend/http/errors'
import { parsePage, type PageRequest } from '../../backend/timelines/page'
import type { MastodonStatus } from '../../backend/mastodon/status'
import { webStatuses, type WebStatus } from '../../backend/web/emoji'
import { dbOf } from './platform'

/** `?max_id=` and friends, as the API reads them; a malformed one is a 400 page, not a 500. */
export function pageOf(ev: RequestEventLoader): PageRequest {
  try {
    return parsePage(ev.url.searchParams)
  } catch (err) {
    if (err instanceof HttpError) throw ev.error(400, err.message)
    throw err
  }
}

/** Runs a backend read; its 404 (unknown account, hidden post) becomes the page's 404. */
export async function orNotFound<T>(ev: RequestEventLoader, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read()
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) {
      ev.status(404)
      return null
    }
    throw err
  }
}

export interface TimelinePage {
  statuses: WebStatus[]
  /** The next (older) page of this same URL, or null at the end. */
  older: string | null
}

export async function timelinePage(ev: RequestEventLoader, page: PageRequest, statuses: MastodonStatus[]): Promise<TimelinePage> {
  const last = statuses[statuses.length - 1]
  return {
    statuses: await webStatuses(dbOf(ev), statuses),
    older: statuses.length === page.limit && last ? `${ev.url.pathname}?max_id=${last.id}` : null,
  }
}

/** A route parameter, percent-decoded once (and left as it is when it is not valid percent-encoding). */
export function paramOf(ev: RequestEventLoader, name: string): string {
  const raw = ev.params[name] ?? ''
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
