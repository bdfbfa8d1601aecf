import { component$, Slot } from '@builder.io/qwik'
import type { DocumentHeadValue, DocumentLink } from '@builder.io/qwik-city'
import type { Profile } from '../../../backend/web/profile'
import { htmlToPlainText } from '../../../backend/federation/html-entities'
import { Tabs } from './page-title'
import { profilePath } from './status-card'

const count = (n: number) => new Intl.NumberFormat('en').format(n)

/** A profile's header: banner, avatar, name, bio, fields (links marked rel=me) and counts, then its tabs. */
export const ProfileHeader = component$<{ profile: Profile; current: string }>(({ profile, current }) => {
  const a = profile.account
  const base = profilePath(a.acct)
  return (
    <>
      <section aria-labelledby="profile-name" class="mt-6 overflow-hidden rounded-2xl bg-white ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800" data-testid="profile">
        <img src={a.header} alt="" width={1200} height={400} class="h-32 w-full bg-emerald-100 object-cover sm:h-44 dark:bg-emerald-950" />
        <div class="px-4 pb-4">
          <img src={a.avatar} alt={`${a.display_name || a.username}'s avatar`} width={96} height={96} class="-mt-12 h-24 w-24 rounded-2xl bg-stone-200 object-cover ring-4 ring-white dark:bg-stone-800 dark:ring-stone-900" />
          <h1 id="profile-name" class="mt-3 text-2xl font-bold break-words" data-testid="profile-name">
            {a.display_name || a.username}
          </h1>
          <p class="break-all text-stone-600 dark:text-stone-400" data-testid="profile-acct">
            @{profile.local ? `${a.acct}@${new URL(a.url).host}` : a.acct}
            {a.bot && <span class="ml-2 rounded bg-stone-200 px-1.5 py-0.5 text-xs font-medium text-stone-800 dark:bg-stone-800 dark:text-stone-200">Bot</span>}
          </p>
          {profile.noteHtml && (
            <div class="mt-3 break-words text-stone-800 dark:text-stone-200 [&_a]:text-emerald-800 [&_a]:underline dark:[&_a]:text-emerald-300 [&_p+p]:mt-2" dangerouslySetInnerHTML={profile.noteHtml} data-testid="profile-note" />
          )}
          {profile.fields.length > 0 && (
            <dl class="mt-4 divide-y divide-stone-200 rounded-xl ring-1 ring-stone-200 dark:divide-stone-800 dark:ring-stone-800" data-testid="profile-fields">
              {profile.fields.map((f) => (
                <div key={f.name} class="grid grid-cols-1 gap-1 px-3 py-2 text-sm sm:grid-cols-[10rem_1fr]">
                  <dt class="font-semibold text-stone-700 dark:text-stone-300">{f.name}</dt>
                  <dd class="break-words [&_a]:text-emerald-800 [&_a]:underline dark:[&_a]:text-emerald-300" dangerouslySetInnerHTML={f.html} />
                </div>
              ))}
            </dl>
          )}
          <p class="mt-4 flex flex-wrap gap-x-5 gap-y-1 text-sm text-stone-700 dark:text-stone-300" data-testid="profile-counts">
            <span>
              <strong class="font-semibold text-stone-900 dark:text-stone-100">{count(a.statuses_count)}</strong> posts
            </span>
            <span>
              <strong class="font-semibold text-stone-900 dark:text-stone-100">{count(a.following_count)}</strong> following
            </span>
            <span>
              <strong class="font-semibold text-stone-900 dark:text-stone-100">{count(a.followers_count)}</strong> followers
            </span>
            {profile.local && (
              <a href={`${base}.rss`} class="text-emerald-800 underline dark:text-emerald-300">
                RSS feed
              </a>
            )}
            {!profile.local && (
              <a href={a.url} rel="nofollow noopener" class="text-emerald-800 underline dark:text-emerald-300">
                Original profile
              </a>
            )}
          </p>
          <Slot />
        </div>
      </section>
      <Tabs
        label="Posts"
        current={current}
        tabs={[
          { href: base, label: 'Posts' },
          { href: `${base}/with_replies`, label: 'Posts and replies' },
          { href: `${base}/media`, label: 'Media' },
        ]}
      />
    </>
  )
})

/** Link-preview and feed metadata for a profile: OpenGraph, Twitter card, ActivityPub actor, rel=me, RSS. */
export function profileHead(profile: Profile | null, title: string): DocumentHeadValue {
  if (profile === null) return { title: 'Page not found' }
  const a = profile.account
  const name = a.display_name || a.username
  const description = htmlToPlainText(a.note).slice(0, 300) || `Posts from @${a.acct}`
  const links: DocumentLink[] = [{ rel: 'alternate', type: 'application/activity+json', href: a.uri }]
  if (profile.local) links.push({ rel: 'alternate', type: 'application/rss+xml', href: `${a.url}.rss`, title: `${name}'s posts` })
  for (const f of profile.fields) if (f.link !== null) links.push({ rel: 'me', href: f.link })
  return {
    title: `${title}${name} (@${a.acct})`,
    meta: [
      { name: 'description', content: description },
      { property: 'og:type', content: 'profile' },
      { property: 'og:title', content: `${name} (@${a.acct})` },
      { property: 'og:description', content: description },
      { property: 'og:image', content: a.avatar },
      { property: 'og:url', content: a.url },
      { property: 'profile:username', content: a.acct },
      { name: 'twitter:card', content: 'summary' },
      ...(a.noindex ? [{ name: 'robots', content: 'noindex' }] : []),
    ],
    links,
  }
}
