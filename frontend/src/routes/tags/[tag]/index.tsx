import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { tagTimeline } from '../../../../../backend/mastodon/reads'
import { PageTitle } from '../../../components/page-title'
import { Timeline } from '../../../components/timeline'
import { dbOf } from '../../../platform'
import { pageOf, paramOf, timelinePage } from '../../../web-page'

export const useTag = routeLoader$(async (ev) => {
  const tag = paramOf(ev, 'tag').replace(/^#/, '').toLowerCase()
  const page = pageOf(ev)
  return { tag, ...(await timelinePage(ev, page, await tagTimeline(dbOf(ev), tag, 'all', page, ev.url.origin))) }
})

export default component$(() => {
  const t = useTag().value
  return (
    <main class="pb-10">
      <PageTitle title={`#${t.tag}`} lead={`Public posts tagged #${t.tag}.`} />
      <Timeline page={t} empty={`No public posts tagged #${t.tag} yet.`} />
    </main>
  )
})

export const head: DocumentHead = ({ resolveValue }) => {
  const t = resolveValue(useTag)
  return { title: `#${t.tag}`, meta: [{ property: 'og:title', content: `#${t.tag}` }] }
}
