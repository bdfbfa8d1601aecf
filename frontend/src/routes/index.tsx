import { component$ } from '@builder.io/qwik'
import type { DocumentHead } from '@builder.io/qwik-city'
import { useSiteSettings } from './layout'

export default component$(() => {
  const site = useSiteSettings()
  return (
    <main class="py-12">
      <p class="text-sm font-semibold uppercase tracking-wider text-emerald-700 dark:text-emerald-400">Welcome</p>
      <h1 class="mt-2 text-4xl font-bold tracking-tight" data-testid="instance-title">
        {site.value.title}
      </h1>
      <p class="mt-3 text-lg text-stone-600 dark:text-stone-300" data-testid="instance-short-description">
        {site.value.shortDescription}
      </p>
      <section
        aria-labelledby="about-heading"
        class="mt-8 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800"
      >
        <h2 id="about-heading" class="text-lg font-semibold">
          About this server
        </h2>
        <p class="mt-2 whitespace-pre-line text-stone-700 dark:text-stone-300" data-testid="instance-description">
          {site.value.description}
        </p>
        <p class="mt-4">
          <a href="/about" class="font-medium text-emerald-700 underline hover:text-emerald-900 dark:text-emerald-400 dark:hover:text-emerald-200">
            Rules and contact
          </a>
        </p>
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
    ],
  }
}
