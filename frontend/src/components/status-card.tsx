import { component$ } from '@builder.io/qwik'
import type { WebStatus } from '../../../backend/web/emoji'

export interface StatusCardProps {
  status: WebStatus
  /** The post a thread page is about: larger, and not a link to itself. */
  focus?: boolean
}

function when(iso: string): string {
  return new Date(iso).toLocaleDateString('en', { dateStyle: 'medium', timeZone: 'UTC' })
}

/** Our page for any account we know: `/@user` here, `/@user@domain` for remote ones. */
export function profilePath(acct: string): string {
  return `/@${acct}`
}

type Media = WebStatus['media_attachments']

const Attachments = component$<{ media: Media }>(({ media }) => (
  <div class={['mt-3 grid gap-2', media.length > 1 ? 'grid-cols-2' : 'grid-cols-1']}>
    {media.map((m) =>
      m.type === 'image' || m.type === 'gifv' ? (
        <a key={m.id} href={m.url ?? undefined} class="block focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 rounded-lg">
          <img
            src={m.preview_url ?? m.url ?? undefined}
            alt={m.description ?? ''}
            title={m.description ?? undefined}
            loading="lazy"
            width={m.meta.original?.width}
            height={m.meta.original?.height}
            class="h-auto max-h-[32rem] w-full rounded-lg bg-stone-200 object-cover ring-1 ring-stone-200 dark:bg-stone-800 dark:ring-stone-800"
          />
        </a>
      ) : m.type === 'video' ? (
        <video key={m.id} src={m.url ?? undefined} controls preload="none" aria-label={m.description ?? 'Video'} class="w-full rounded-lg" />
      ) : (
        <a key={m.id} href={m.url ?? undefined} class="text-emerald-800 underline dark:text-emerald-300">
          {m.description ?? `Attached ${m.type}`}
        </a>
      ),
    )}
  </div>
))

/** One post as the public pages show it. Its HTML was sanitized by the loader (backend/web/emoji.ts). */
export const StatusCard = component$<StatusCardProps>(({ status, focus }) => {
  const shown = status.reblog ?? status
  const a = shown.account
  const media = shown.media_attachments
  const body = (
    <>
      <div
        class={[
          'prose-status mt-2 break-words text-stone-800 dark:text-stone-200 [&_a]:text-emerald-800 [&_a]:underline dark:[&_a]:text-emerald-300 [&_p+p]:mt-2 [&_.invisible]:hidden [&_.ellipsis]:after:content-["…"] [&_img.custom-emoji]:inline [&_img.custom-emoji]:h-5 [&_img.custom-emoji]:w-5 [&_img.custom-emoji]:align-text-bottom',
          focus ? 'text-lg' : '',
        ]}
        dangerouslySetInnerHTML={status.html}
      />
      {media.length > 0 &&
        (shown.sensitive ? (
          <details class="group mt-3" data-testid="sensitive-media">
            <summary class="flex cursor-pointer list-none items-center justify-center rounded-lg bg-stone-200 px-4 py-10 text-sm font-medium text-stone-800 ring-1 ring-stone-300 hover:bg-stone-300 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 dark:bg-stone-800 dark:text-stone-200 dark:ring-stone-700 group-open:hidden">
              Sensitive media — select to show
            </summary>
            <Attachments media={media} />
          </details>
        ) : (
          <Attachments media={media} />
        ))}
    </>
  )
  const statusPath = `${profilePath(a.acct)}/${shown.id}`
  return (
    <article
      class={['rounded-2xl bg-white p-4 ring-1 dark:bg-stone-900', focus ? 'ring-2 ring-emerald-600 dark:ring-emerald-500' : 'ring-stone-200 dark:ring-stone-800']}
      data-testid="status"
      data-id={status.id}
    >
      {status.reblog && (
        <p class="mb-2 text-sm text-stone-600 dark:text-stone-400">
          <span aria-hidden="true">⇄ </span>
          <a href={profilePath(status.account.acct)} class="hover:underline">
            {status.account.display_name || status.account.username}
          </a>{' '}
          boosted
        </p>
      )}
      <header class="flex items-center gap-3">
        <img src={a.avatar} alt="" width={44} height={44} class="h-11 w-11 flex-none rounded-lg bg-stone-200 object-cover dark:bg-stone-800" />
        <div class="min-w-0 flex-1">
          <a href={profilePath(a.acct)} class="block truncate font-semibold hover:underline">
            {a.display_name || a.username}
          </a>
          <p class="truncate text-sm text-stone-600 dark:text-stone-400">@{a.acct}</p>
        </div>
        <a href={statusPath} class="ml-auto flex-none text-sm text-stone-600 hover:underline dark:text-stone-400" data-testid="status-link">
          <time dateTime={shown.created_at} title={shown.created_at}>
            {when(shown.created_at)}
          </time>
        </a>
      </header>
      {shown.spoiler_text ? (
        <details class="mt-2" data-testid="content-warning">
          <summary class="cursor-pointer font-medium">
            {shown.spoiler_text} <span class="text-sm text-stone-600 dark:text-stone-400">(show more)</span>
          </summary>
          {body}
        </details>
      ) : (
        body
      )}
      <footer class="mt-3 flex flex-wrap items-center gap-5 text-sm text-stone-600 dark:text-stone-400">
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
        {shown.tags.length > 0 && (
          <span class="flex flex-wrap gap-2">
            {shown.tags.slice(0, 5).map((t) => (
              <a key={t.name} href={`/tags/${encodeURIComponent(t.name)}`} class="text-emerald-800 hover:underline dark:text-emerald-300">
                #{t.name}
              </a>
            ))}
          </span>
        )}
      </footer>
    </article>
  )
})
