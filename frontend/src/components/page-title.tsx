import { component$, Slot } from '@builder.io/qwik'

/** A page's heading with an optional line under it. */
export const PageTitle = component$<{ title: string; lead?: string }>(({ title, lead }) => (
  <div class="pt-10">
    <h1 class="text-3xl font-bold tracking-tight" data-testid="page-title">
      {title}
    </h1>
    {lead && <p class="mt-2 text-stone-600 dark:text-stone-300">{lead}</p>}
    <Slot />
  </div>
))

/** Tabs between sibling pages (timelines, a profile's posts); plain links, current one marked. */
export const Tabs = component$<{ label: string; current: string; tabs: Array<{ href: string; label: string }> }>(({ label, current, tabs }) => (
  <nav aria-label={label} class="mt-6 border-b border-stone-200 dark:border-stone-800">
    <ul class="-mb-px flex gap-1 overflow-x-auto text-sm">
      {tabs.map((t) => (
        <li key={t.href}>
          <a
            href={t.href}
            aria-current={t.href === current ? 'page' : undefined}
            class={[
              'inline-block whitespace-nowrap border-b-2 px-3 py-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600',
              t.href === current
                ? 'border-emerald-700 font-semibold text-emerald-800 dark:border-emerald-400 dark:text-emerald-300'
                : 'border-transparent text-stone-700 hover:border-stone-300 dark:text-stone-300',
            ]}
          >
            {t.label}
          </a>
        </li>
      ))}
    </ul>
  </nav>
))
