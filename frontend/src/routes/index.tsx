import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { publicTimeline } from '../../../backend/mastodon/reads'
import { Timeline } from '../components/timeline'
import { pageOf, timelinePage } from '../web-page'
import { dbOf } from '../platform'
import { useSiteSettings } from './layout'

/** The instance's own public posts, paged like the API (`?max_id=`), so the page works without JavaScript. */
export const useLocalTimeline = routeLoader$(async (ev) => {
  const page = pageOf(ev)
  return timelinePage(ev, page, await publicTimeline(dbOf(ev), 'local', false, page, ev.url.origin))
})

export default component$(() => {
  const site = useSiteSettings()
  const timeline = useLocalTimeline()
  return (
    <main class="py-10">
      <p class="text-sm font-semibold uppercase tracking-wider text-emerald-700 dark:text-emerald-400">Welcome</p>
      <h1 class="mt-2 text-4xl font-bold tracking-tight" data-testid="instance-title">
        {site.value.title}
      </h1>
      <p class="mt-3 text-lg text-stone-600 dark:text-stone-300" data-testid="instance-short-description">
        {site.value.shortDescription}
      </p>
      <p class="mt-2 whitespace-pre-line text-stone-700 dark:text-stone-300" data-testid="instance-description">
        {site.value.description}{' '}
        <a href="/about" class="font-medium text-emerald-700 underline hover:text-emerald-900 dark:text-emerald-400 dark:hover:text-emerald-200">
          Rules and contact
        </a>
      </p>

      <section aria-labelledby="timeline-heading" class="mt-10">
        <h2 id="timeline-heading" class="text-xl font-semibold">
          Posts from this server
        </h2>
        <Timeline page={timeline.value} empty="Nothing has been posted here yet." />
      </section>
    </main>
  )
})

export const head: DocumentHead = ({ resolveValue }) => {
  const site = resolveValue(useSiteSettings)
  return {
    title: site.title,
    meta: [
      { name: 'description', content: site.shortDescription },
      { property: 'og:title', content: site.title },
      { property: 'og:description', content: site.shortDescription },
      { property: 'og:type', content: 'website' },
      ...(site.thumbnailUrl ? [{ property: 'og:image', content: site.thumbnailUrl }] : []),
    ],
  }
}
