import { component$ } from '@builder.io/qwik'
import type { RequestEventLoader } from '@builder.io/qwik-city'
import { publicAccountStatuses } from '../../../backend/mastodon/reads'
import type { Profile } from '../../../backend/web/profile'
import { dbOf } from '../platform'
import { pageOf, timelinePage, type TimelinePage } from '../web-page'
import { NotFound } from './not-found'
import { ProfileHeader } from './profile'
import { Timeline } from './timeline'

export type ProfileTab = 'posts' | 'with_replies' | 'media'

/** One page of a profile's public posts, for the tab; null when the profile is unknown. */
export async function profileTimeline(ev: RequestEventLoader, profile: Profile | null, tab: ProfileTab): Promise<TimelinePage | null> {
  if (profile === null) return null
  const page = pageOf(ev)
  const options = { excludeReplies: tab === 'posts', excludeReblogs: false, onlyMedia: tab === 'media', tagged: null, pinned: false }
  return timelinePage(ev, page, await publicAccountStatuses(dbOf(ev), profile.account.id, options, page, ev.url.origin))
}

export const ProfilePosts = component$<{ profile: Profile | null; page: TimelinePage | null; path: string }>(({ profile, page, path }) => {
  if (profile === null || page === null) return <NotFound path={path} />
  return (
    <main class="pb-10">
      <ProfileHeader profile={profile} current={path} />
      <Timeline page={page} empty="No public posts here yet." />
    </main>
  )
})
