import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { NotFound } from '../../components/not-found'

// Every path no other route claims: a real 404, rendered in the site's layout.
export const useNotFound = routeLoader$((ev) => {
  ev.status(404)
  return ev.url.pathname
})

export default component$(() => {
  const path = useNotFound()
  return <NotFound path={path.value} />
})

export const head: DocumentHead = { title: 'Page not found' }
