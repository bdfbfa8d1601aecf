import { $, component$ } from '@builder.io/qwik'
import type { TimelinePage } from '../web-page'
import { StatusCard } from './status-card'

/**
 * Loads the next page's HTML when the pager comes near the viewport and moves its posts in; the
 * pager is a plain link, so without JavaScript (or before this runs) paging still works.
 * It captures nothing, so the chunk Qwik fetches for it imports nothing else.
 */
export const loadOlder = $((_: Event, pager: HTMLElement) => {
  const list = document.querySelector<HTMLDivElement>("[data-timeline]")
  let busy = false
  const next = async (): Promise<void> => {
    const link = pager.querySelector<HTMLAnchorElement>('a[rel=next]')
    if (busy || link === null || list === null) return
    busy = true
    pager.setAttribute('aria-busy', 'true')
    try {
      const res = await fetch(link.href, { headers: { Accept: 'text/html' } })
      if (!res.ok) return
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
      doc.querySelectorAll('[data-timeline] > article').forEach((a) => list.appendChild(document.adoptNode(a)))
      const older = doc.querySelector<HTMLAnchorElement>('[data-pager] a[rel=next]')
      if (older === null) pager.remove()
      else link.href = older.href
    } finally {
      busy = false
      pager.removeAttribute('aria-busy')
    }
    if (pager.isConnected && pager.getBoundingClientRect().top < innerHeight + 800) await next()
  }
  new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void next(), { rootMargin: '800px' }).observe(pager)
})

export const Timeline = component$<{ page: TimelinePage; empty: string }>(({ page, empty }) => (
  <>
    {page.statuses.length === 0 ? (
      <p class="mt-3 text-stone-600 dark:text-stone-400" data-testid="timeline-empty">
        {empty}
      </p>
    ) : (
      <div class="mt-4 space-y-3" data-testid="timeline" data-timeline>
        {page.statuses.map((s) => (
          <StatusCard key={s.id} status={s} />
        ))}
      </div>
    )}
    {page.older && (
      <nav aria-label="More posts" class="mt-6 text-center" data-pager onQVisible$={loadOlder}>
        <a
          href={page.older}
          rel="next"
          class="inline-block rounded-lg px-4 py-2 font-medium text-emerald-800 ring-1 ring-emerald-700 hover:bg-emerald-50 focus:outline-none focus-visible:ring-2 dark:text-emerald-300 dark:ring-emerald-400 dark:hover:bg-emerald-950"
          data-testid="older"
        >
          Older posts
        </a>
      </nav>
    )}
  </>
))
