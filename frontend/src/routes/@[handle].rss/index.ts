import type { RequestHandler } from '@builder.io/qwik-city'
import { publicAccountStatuses } from '../../../../backend/mastodon/reads'
import { accountFeed, RSS_CONTENT_TYPE, RSS_ITEMS } from '../../../../backend/web/rss'
import { profileByHandle } from '../../../../backend/web/profile'
import { HttpError } from '../../../../backend/http/errors'
import { parsePage } from '../../../../backend/timelines/page'
import { dbOf } from '../../platform'

// GET /@user.rss: the latest public posts of a local account as RSS 2.0.
export const onGet: RequestHandler = async (ev) => {
  const db = dbOf(ev)
  const handle = ev.params.handle ?? ''
  let profile
  try {
    profile = await profileByHandle(db, handle, ev.url.origin)
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw ev.error(404, 'No such account')
    throw err
  }
  if (!profile.local) throw ev.error(404, 'Feeds are published for accounts on this server only')
  const options = { excludeReplies: true, excludeReblogs: true, onlyMedia: false, tagged: null, pinned: false }
  const statuses = await publicAccountStatuses(db, profile.account.id, options, parsePage(new URLSearchParams({ limit: String(RSS_ITEMS) })), ev.url.origin)
  ev.headers.set('Cache-Control', 'public, max-age=300')
  ev.send(new Response(accountFeed(profile.account, statuses.filter((s) => s.visibility === 'public'), ev.url.href), { headers: { 'Content-Type': RSS_CONTENT_TYPE } }))
}
