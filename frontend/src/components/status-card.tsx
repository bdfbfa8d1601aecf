import { component$ } from '@builder.io/qwik'
import type { MastodonStatus } from '../../../backend/mastodon/status'
import { sanitizeHtml } from '../../../backend/federation/sanitize-html'

export interface StatusCardProps {
  status: MastodonStatus
}

function when(iso: string): string {
  return new Date(iso).toLocaleDateString('en', { dateStyle: 'medium', timeZone: 'UTC' })
}

/** One post as the public pages show it. Remote HTML is sanitized again here, whatever stored it. */
export const StatusCard = component$<StatusCardProps>(({ status }) => {
  const shown = status.reblog ?? status
  const a = shown.account
  const content = sanitizeHtml(shown.content)
  const body = (
    <>
      <div class="prose-status mt-2 break-words text-stone-800 dark:text-stone-200 [&_a]:text-emerald-700 [&_a]:underline dark:[&_a]:text-emerald-400 [&_p+p]:mt-2" dangerouslySetInnerHTML={content} />
      {shown.media_attachments.length > 0 && (
        <div class={['mt-3 grid gap-2', shown.media_attachments.length > 1 ? 'grid-cols-2' : 'grid-cols-1']}>
          {shown.media_attachments.map((m) =>
            m.type === 'image' || m.type === 'gifv' ? (
              <img
                key={m.id}
                src={m.url ?? undefined}
                alt={m.description ?? ''}
                loading="lazy"
                width={m.meta.original?.width}
                height={m.meta.original?.height}
                class={['w-full rounded-lg object-cover ring-1 ring-stone-200 dark:ring-stone-800', shown.sensitive ? 'blur-xl' : '']}
              />
            ) : (
              <a key={m.id} href={m.url ?? undefined} class="text-emerald-700 underline dark:text-emerald-400">
                {m.description ?? `Attached ${m.type}`}
              </a>
            ),
          )}
        </div>
      )}
    </>
  )
  return (
    <article class="rounded-2xl bg-white p-4 ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800" data-testid="status" data-id={status.id}>
      {status.reblog && (
        <p class="mb-2 text-sm text-stone-600 dark:text-stone-400">
          {status.account.display_name || status.account.username} boosted
        </p>
      )}
      <header class="flex items-center gap-3">
        <img src={a.avatar} alt="" width={44} height={44} class="h-11 w-11 flex-none rounded-lg bg-stone-200 dark:bg-stone-800" />
        <div class="min-w-0 flex-1">
          <a href={a.url} class="block truncate font-semibold hover:underline">
            {a.display_name || a.username}
          </a>
          <p class="truncate text-sm text-stone-600 dark:text-stone-400">@{a.acct}</p>
        </div>
        <a href={shown.url} class="ml-auto flex-none text-sm text-stone-600 hover:underline dark:text-stone-400">
          <time dateTime={shown.created_at} title={shown.created_at}>
            {when(shown.created_at)}
          </time>
        </a>
      </header>
      {shown.spoiler_text ? (
        <details class="mt-2">
          <summary class="cursor-pointer font-medium">
            {shown.spoiler_text} <span class="text-sm text-stone-600 dark:text-stone-400">(show more)</span>
          </summary>
          {body}
        </details>
      ) : (
        body
      )}
      <footer class="mt-3 flex gap-5 text-sm text-stone-600 dark:text-stone-400">
        <span>
          {shown.replies_count} <span class="sr-only">replies</span>
          <span aria-hidden="true">↩</span>
        </span>
        <span>
          {shown.reblogs_count} <span class="sr-only">boosts</span>
          <span aria-hidden="true">⇄</span>
        </span>
        <span>
          {shown.favourites_count} <span class="sr-only">favourites</span>
          <span aria-hidden="true">★</span>
        </span>
      </footer>
    </article>
  )
})
