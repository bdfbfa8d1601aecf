import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { publicTimeline } from '../../../../../backend/mastodon/reads'
import { PublicTimeline } from '../../../components/public-timeline'
import { dbOf } from '../../../platform'
import { pageOf, timelinePage } from '../../../web-page'

export const useLocal = routeLoader$(async (ev) => {
  const page = pageOf(ev)
  return timelinePage(ev, page, await publicTimeline(dbOf(ev), 'local', false, page, ev.url.origin))
})

export default component$(() => {
  const page = useLocal()
  return <PublicTimeline local={true} page={page.value} />
})

export const head: DocumentHead = { title: 'Posts from this server' }
