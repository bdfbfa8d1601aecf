import { component$ } from '@builder.io/qwik'
import type { TimelinePage } from '../web-page'
import { PageTitle, Tabs } from './page-title'
import { Timeline } from './timeline'

export const PUBLIC_TABS = [
  { href: '/public/local', label: 'This server' },
  { href: '/public', label: 'Everywhere' },
]

export const PublicTimeline = component$<{ local: boolean; page: TimelinePage }>(({ local, page }) => (
  <main class="pb-10">
    <PageTitle title={local ? 'Posts from this server' : 'Public posts from everywhere'} lead={local ? 'Public posts by people on this server.' : 'Public posts this server knows about, from here and from the servers it federates with.'} />
    <Tabs label="Timelines" current={local ? '/public/local' : '/public'} tabs={PUBLIC_TABS} />
    <Timeline page={page} empty="No public posts yet." />
  </main>
))
