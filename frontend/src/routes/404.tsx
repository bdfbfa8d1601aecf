import { component$ } from '@builder.io/qwik'
import type { DocumentHead } from '@builder.io/qwik-city'

export default component$(() => (
  <main class="py-24 text-center">
    <h1 class="text-3xl font-bold">Page not found</h1>
    <p class="mt-3 text-stone-600 dark:text-stone-300">
      <a class="underline" href="/">Back to the home page</a>
    </p>
  </main>
))

export const head: DocumentHead = { title: 'Page not found' }
