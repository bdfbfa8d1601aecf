import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { getSettings } from '../../../backend/instance/settings'
import { dbOf, envOf } from '../platform'

export const useInstance = routeLoader$(async (ev) => {
  const s = await getSettings(envOf(ev), dbOf(ev))
  return { title: s.title, shortDescription: s.shortDescription, description: s.description, rules: s.rules }
})

export default component$(() => {
  const instance = useInstance()
  return (
    <main class="py-12">
      <header class="mb-8">
        <p class="text-sm font-semibold uppercase tracking-wider text-emerald-700 dark:text-emerald-400">Welcome</p>
        <h1 class="mt-2 text-4xl font-bold tracking-tight" data-testid="instance-title">
          {instance.value.title}
        </h1>
        <p class="mt-3 text-lg text-stone-600 dark:text-stone-300" data-testid="instance-short-description">
          {instance.value.shortDescription}
        </p>
      </header>
      <section aria-labelledby="about-heading" class="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800">
        <h2 id="about-heading" class="text-lg font-semibold">
          About this server
        </h2>
        <p class="mt-2 whitespace-pre-line text-stone-700 dark:text-stone-300" data-testid="instance-description">
          {instance.value.description}
        </p>
        {instance.value.rules.length > 0 && (
          <>
            <h3 class="mt-6 font-semibold">Rules</h3>
            <ol class="mt-2 list-decimal space-y-1 pl-6 text-stone-700 dark:text-stone-300">
              {instance.value.rules.map((r) => (
                <li key={r.id}>{r.text}</li>
              ))}
            </ol>
          </>
        )}
      </section>
    </main>
  )
})

export const head: DocumentHead = ({ resolveValue }) => {
  const instance = resolveValue(useInstance)
  return {
    title: instance.title,
    meta: [
      { name: 'description', content: instance.shortDescription },
      { property: 'og:title', content: instance.title },
      { property: 'og:description', content: instance.shortDescription },
    ],
  }
}
