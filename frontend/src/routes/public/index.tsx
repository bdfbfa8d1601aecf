import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { publicTimeline } from '../../../../backend/mastodon/reads'
import { PublicTimeline } from '../../components/public-timeline'
import { dbOf } from '../../platform'
import { pageOf, timelinePage } from '../../web-page'

export const useFederated = routeLoader$(async (ev) => {
  const page = pageOf(ev)
  return timelinePage(ev, page, await publicTimeline(dbOf(ev), 'all', false, page, ev.url.origin))
})

export default component$(() => {
  const page = useFederated()
  return <PublicTimeline local={false} page={page.value} />
})

export const head: DocumentHead = { title: 'Public posts from everywhere' }
