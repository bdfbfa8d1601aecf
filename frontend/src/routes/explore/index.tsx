import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { publicTimeline } from '../../../../backend/mastodon/reads'
import { directory } from '../../../../backend/accounts/discovery'
import { recentTags } from '../../../../backend/web/explore'
import { AccountList, TagList } from '../../components/account-list'
import { PageTitle, Tabs } from '../../components/page-title'
import { PUBLIC_TABS } from '../../components/public-timeline'
import { Timeline } from '../../components/timeline'
import { dbOf } from '../../platform'
import { pageOf, timelinePage } from '../../web-page'

// Until trends exist: the week's most used hashtags, recently active accounts, and the newest public posts.
export const useExplore = routeLoader$(async (ev) => {
  const db = dbOf(ev)
  const page = pageOf(ev)
  const first = !ev.url.searchParams.has('max_id')
  const [tags, accounts, statuses] = await Promise.all([
    first ? recentTags(db) : [],
    first ? directory(db, { order: 'active', local: false, page: { offset: 0, limit: 6 } }, ev.url.origin) : [],
    publicTimeline(db, 'all', false, page, ev.url.origin),
  ])
  return { tags, accounts, timeline: await timelinePage(ev, page, statuses) }
})

export default component$(() => {
  const e = useExplore().value
  return (
    <main class="pb-10">
      <PageTitle title="Explore" lead="What people here and on the servers this one knows are posting." />
      <Tabs label="Timelines" current="/explore" tabs={[{ href: '/explore', label: 'Explore' }, ...PUBLIC_TABS]} />
      {e.tags.length > 0 && (
        <section aria-labelledby="tags-heading" class="mt-6">
          <h2 id="tags-heading" class="text-lg font-semibold">
            Hashtags this week
          </h2>
          <TagList tags={e.tags} testid="explore-tags" />
        </section>
      )}
      {e.accounts.length > 0 && (
        <section aria-labelledby="people-heading" class="mt-6">
          <h2 id="people-heading" class="text-lg font-semibold">
            Recently active
          </h2>
          <AccountList accounts={e.accounts} testid="explore-accounts" />
        </section>
      )}
      <section aria-labelledby="recent-heading" class="mt-8">
        <h2 id="recent-heading" class="text-lg font-semibold">
          Recent posts
        </h2>
        <Timeline page={e.timeline} empty="No public posts yet." />
      </section>
    </main>
  )
})

export const head: DocumentHead = { title: 'Explore' }
