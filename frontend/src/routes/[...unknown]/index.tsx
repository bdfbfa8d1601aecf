import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'

// Every path no other route claims: a real 404, rendered in the site's layout.
export const useNotFound = routeLoader$((ev) => {
  ev.status(404)
  return ev.url.pathname
})

export default component$(() => {
  const path = useNotFound()
  return (
    <main class="py-24 text-center">
      <h1 class="text-3xl font-bold">Page not found</h1>
      <p class="mt-3 text-stone-600 dark:text-stone-300">
        Nothing lives at <code class="rounded bg-stone-100 px-1 dark:bg-stone-800">{path.value}</code>.
      </p>
      <p class="mt-6">
        <a class="font-medium text-emerald-700 underline dark:text-emerald-400" href="/">
          Back to the home page
        </a>
      </p>
    </main>
  )
})

export const head: DocumentHead = { title: 'Page not found' }
