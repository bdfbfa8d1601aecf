import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { searchSite } from '../../../../backend/web/search'
import { AccountList, TagList } from '../../components/account-list'
import { PageTitle } from '../../components/page-title'
import { dbOf } from '../../platform'

export const useSearch = routeLoader$(async (ev) => {
  const q = (ev.url.searchParams.get('q') ?? '').slice(0, 100)
  return { q, ...(await searchSite(dbOf(ev), q, ev.url.origin)) }
})

export default component$(() => {
  const r = useSearch().value
  return (
    <main class="pb-10">
      <PageTitle title="Search" lead="Find people by name or username, and hashtags." />
      <form method="get" action="/search" role="search" class="mt-6 flex gap-2">
        <label for="q" class="sr-only">
          Search for people or hashtags
        </label>
        <input
          id="q"
          name="q"
          type="search"
          value={r.q}
          placeholder="@name or #tag"
          class="min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-3 py-2 text-stone-900 placeholder:text-stone-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
        />
        <button type="submit" class="rounded-lg bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2">
          Search
        </button>
      </form>
      {r.q !== '' && (
        <>
          <section aria-labelledby="people-heading" class="mt-8">
            <h2 id="people-heading" class="text-lg font-semibold">
              People
            </h2>
            {r.accounts.length === 0 ? <p class="mt-2 text-stone-600 dark:text-stone-400">No one matches.</p> : <AccountList accounts={r.accounts} testid="search-accounts" />}
          </section>
          <section aria-labelledby="tags-heading" class="mt-8">
            <h2 id="tags-heading" class="text-lg font-semibold">
              Hashtags
            </h2>
            {r.tags.length === 0 ? <p class="mt-2 text-stone-600 dark:text-stone-400">No hashtags match.</p> : <TagList tags={r.tags.map((name) => ({ name }))} testid="search-tags" />}
          </section>
        </>
      )}
    </main>
  )
})

export const head: DocumentHead = ({ resolveValue }) => {
  const r = resolveValue(useSearch)
  return { title: r.q ? `Search: ${r.q}` : 'Search', meta: [{ name: 'robots', content: 'noindex' }] }
}
