import { component$, Slot } from '@builder.io/qwik'
import { routeLoader$ } from '@builder.io/qwik-city'
import { getSettings } from '../../../backend/instance/settings'
import { SiteHeader } from '../components/site-header'
import { dbOf, envOf } from '../platform'

/** The instance settings every page shows; cached in the CacheObject, so this costs no D1 read when warm. */
export const useSiteSettings = routeLoader$(async (ev) => {
  const s = await getSettings(envOf(ev), dbOf(ev))
  return {
    title: s.title,
    shortDescription: s.shortDescription,
    description: s.description,
    contactEmail: s.contactEmail,
    thumbnailUrl: s.thumbnailUrl,
    registrationsMode: s.registrationsMode,
    rules: s.rules,
  }
})

export default component$(() => {
  const site = useSiteSettings()
  return (
    <>
      <a
        href="#main"
        class="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-stone-900 focus:shadow"
      >
        Skip to content
      </a>
      <SiteHeader title={site.value.title} />
      <div id="main" class="mx-auto flex min-h-[calc(100vh-8rem)] max-w-3xl flex-col px-4">
        <Slot />
      </div>
      <footer class="mx-auto max-w-3xl px-4 py-6 text-sm text-stone-600 dark:text-stone-400">
        <a class="underline hover:text-stone-900 dark:hover:text-stone-100" href="/about">
          About {site.value.title}
        </a>
        <span aria-hidden="true"> · </span>
        <a class="underline hover:text-stone-900 dark:hover:text-stone-100" href="/admin">
          Administration
        </a>
        <span aria-hidden="true"> · </span>
        <a class="underline hover:text-stone-900 dark:hover:text-stone-100" href="/settings/bluesky">
          Bluesky
        </a>
        <span aria-hidden="true"> · </span>
        Powered by{' '}
        <a class="underline hover:text-stone-900 dark:hover:text-stone-100" href="https://github.com/herd-social/herd">
          Herd
        </a>
      </footer>
    </>
  )
})
