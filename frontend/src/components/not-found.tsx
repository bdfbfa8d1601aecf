import { component$ } from '@builder.io/qwik'

export const NotFound = component$<{ path: string }>(({ path }) => (
  <main class="py-24 text-center">
    <h1 class="text-3xl font-bold">Page not found</h1>
    <p class="mt-3 text-stone-600 dark:text-stone-300">
      Nothing lives at <code class="rounded bg-stone-100 px-1 break-all dark:bg-stone-800">{path}</code>.
    </p>
    <p class="mt-6">
      <a class="font-medium text-emerald-800 underline dark:text-emerald-300" href="/">
        Back to the home page
      </a>
    </p>
  </main>
))
