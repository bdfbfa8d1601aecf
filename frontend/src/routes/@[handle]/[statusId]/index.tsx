import { component$ } from '@builder.io/qwik'
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city'
import { publicContext, publicStatus } from '../../../../../backend/mastodon/reads'
import { htmlToPlainText } from '../../../../../backend/federation/html-entities'
import { webStatuses } from '../../../../../backend/web/emoji'
import { NotFound } from '../../../components/not-found'
import { StatusCard, profilePath } from '../../../components/status-card'
import { dbOf } from '../../../platform'
import { orNotFound, paramOf } from '../../../web-page'
import { useProfile } from '../layout'

/** The post in its thread: what it replies to above it, the replies below. */
export const useThread = routeLoader$(async (ev) => {
  const profile = await ev.resolveValue(useProfile)
  if (profile === null) return null
  const db = dbOf(ev)
  const id = paramOf(ev, 'statusId')
  const found = await orNotFound(ev, async () => {
    const [status, context] = await Promise.all([publicStatus(db, id, ev.url.origin), publicContext(db, id, ev.url.origin)])
    return { status, context }
  })
  if (found === null) return null
  // The same post under another account's name is that account's page.
  if (found.status.account.id !== profile.account.id) throw ev.redirect(301, `${profilePath(found.status.account.acct)}/${found.status.id}`)
  const [focus, ...rest] = await webStatuses(db, [found.status, ...found.context.ancestors, ...found.context.descendants])
  if (focus === undefined) return null
  const n = found.context.ancestors.length
  return { status: focus, ancestors: rest.slice(0, n), descendants: rest.slice(n) }
})

export default component$(() => {
  const thread = useThread().value
  const loc = useLocation()
  if (thread === null) return <NotFound path={loc.url.pathname} />
  return (
    <main class="pb-10 pt-8">
      <h1 class="sr-only">Post by {thread.status.account.display_name || thread.status.account.username}</h1>
      {thread.ancestors.length > 0 && (
        <section aria-label="Earlier in the thread" class="space-y-3 border-l-2 border-stone-200 pl-3 dark:border-stone-800" data-testid="ancestors">
          {thread.ancestors.map((s) => (
            <StatusCard key={s.id} status={s} />
          ))}
        </section>
      )}
      <div class="my-3" data-testid="focus">
        <StatusCard status={thread.status} focus />
      </div>
      {thread.descendants.length > 0 && (
        <section aria-label="Replies" class="space-y-3 border-l-2 border-stone-200 pl-3 dark:border-stone-800" data-testid="descendants">
          {thread.descendants.map((s) => (
            <StatusCard key={s.id} status={s} />
          ))}
        </section>
      )}
    </main>
  )
})

export const head: DocumentHead = ({ resolveValue }) => {
  const thread = resolveValue(useThread)
  if (thread === null) return { title: 'Page not found' }
  const s = thread.status
  const a = s.account
  const name = a.display_name || a.username
  const text = s.spoiler_text ? `Content warning: ${s.spoiler_text}` : htmlToPlainText(s.content).slice(0, 300)
  const image = s.sensitive ? undefined : s.media_attachments.find((m) => m.type === 'image')
  return {
    title: `${name}: "${text.slice(0, 60)}${text.length > 60 ? '…' : ''}"`,
    meta: [
      { name: 'description', content: text },
      { property: 'og:type', content: 'article' },
      { property: 'og:title', content: `${name} (@${a.acct})` },
      { property: 'og:description', content: text },
      { property: 'og:image', content: image?.url ?? a.avatar },
      ...(image?.description ? [{ property: 'og:image:alt', content: image.description }] : []),
      { property: 'og:url', content: s.url },
      { property: 'article:published_time', content: s.created_at },
      { name: 'twitter:card', content: image ? 'summary_large_image' : 'summary' },
    ],
    links: [{ rel: 'alternate', type: 'application/activity+json', href: s.uri }],
  }
}
