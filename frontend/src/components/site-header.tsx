import { component$ } from '@builder.io/qwik'
import { Link, useLocation } from '@builder.io/qwik-city'

export interface SiteHeaderProps {
  title: string
}

const NAV = [
  { href: '/', label: 'Home' },
  { href: '/explore', label: 'Explore' },
  { href: '/search', label: 'Search' },
  { href: '/about', label: 'About' },
]

export const SiteHeader = component$<SiteHeaderProps>(({ title }) => {
  const loc = useLocation()
  return (
    <header class="border-b border-stone-200 bg-white/80 backdrop-blur dark:border-stone-800 dark:bg-stone-900/80">
      <div class="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" class="flex items-center gap-2 font-semibold focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 rounded">
          <img src="/favicon.svg" alt="" width={28} height={28} class="h-7 w-7" />
          <span data-testid="site-title">{title}</span>
        </Link>
        <nav aria-label="Main">
          <ul class="flex flex-wrap gap-1 text-sm">
            {NAV.map((item) => {
              const current = loc.url.pathname === item.href || (item.href !== '/' && loc.url.pathname.startsWith(item.href + '/'))
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={current ? 'page' : undefined}
                    class={[
                      'rounded-md px-3 py-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600',
                      current
                        ? 'bg-emerald-50 font-semibold text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
                        : 'text-stone-700 hover:bg-stone-100 dark:text-stone-300 dark:hover:bg-stone-800',
                    ]}
                  >
                    {item.label}
                  </Link>
                </li>
              )
            })}
          </ul>
        </nav>
      </div>
    </header>
  )
})
