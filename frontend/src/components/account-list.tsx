import { component$ } from '@builder.io/qwik'
import type { MastodonAccount } from '../../../backend/mastodon/account'
import { profilePath } from './status-card'

/** Accounts as a compact list of links to their profiles. */
export const AccountList = component$<{ accounts: MastodonAccount[]; testid: string }>(({ accounts, testid }) => (
  <ul class="mt-3 grid gap-2 sm:grid-cols-2" data-testid={testid}>
    {accounts.map((a) => (
      <li key={a.id}>
        <a
          href={profilePath(a.acct)}
          class="flex items-center gap-3 rounded-xl bg-white p-3 ring-1 ring-stone-200 hover:ring-emerald-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 dark:bg-stone-900 dark:ring-stone-800"
        >
          <img src={a.avatar} alt="" width={40} height={40} class="h-10 w-10 flex-none rounded-lg bg-stone-200 object-cover dark:bg-stone-800" />
          <span class="min-w-0">
            <span class="block truncate font-semibold">{a.display_name || a.username}</span>
            <span class="block truncate text-sm text-stone-600 dark:text-stone-400">@{a.acct}</span>
          </span>
        </a>
      </li>
    ))}
  </ul>
))

export const TagList = component$<{ tags: Array<{ name: string; uses?: number }>; testid: string }>(({ tags, testid }) => (
  <ul class="mt-3 flex flex-wrap gap-2" data-testid={testid}>
    {tags.map((t) => (
      <li key={t.name}>
        <a
          href={`/tags/${encodeURIComponent(t.name)}`}
          class="inline-block rounded-full bg-emerald-50 px-3 py-1 text-sm font-medium text-emerald-900 ring-1 ring-emerald-200 hover:bg-emerald-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800"
        >
          #{t.name}
          {t.uses !== undefined && <span class="ml-1 text-emerald-800/80 dark:text-emerald-300/80">· {t.uses}</span>}
        </a>
      </li>
    ))}
  </ul>
))
