import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { blueskySettings, BLUESKY_PAGE } from '../../../../../backend/web/bluesky'
import { dbOf, envOf } from '../../../platform'
import { formCsrf, formError, withReturnTo } from '../../../auth-page'
import { PageTitle } from '../../../components/page-title'
import { fieldClass, primaryButton, secondaryButton } from '../../../components/admin-form'

/** The account's Bluesky side, read from D1 for the signed-in person; every form posts to /settings/actions/*. */
export const useBluesky = routeLoader$(async (ev) => {
  const bridge = await blueskySettings(envOf(ev), dbOf(ev), ev.request)
  if (bridge === null) throw ev.redirect(303, withReturnTo('/auth/login', BLUESKY_PAGE))
  ev.headers.set('Cache-Control', 'no-store')
  return { bridge, csrf: formCsrf(ev), error: formError(ev), saved: ev.url.searchParams.get('saved') === '1' }
})

const LONG_POSTS = [
  { value: 'truncate', label: 'Cut cleanly, with a link card back to the whole post' },
  { value: 'thread', label: 'Post as a thread of replies' },
]

/** The per-account choice for posts over Bluesky's limits, in both the opt-in and the settings form. */
const LongPostsChoice = component$((props: { current: string }) => (
  <fieldset>
    <legend class="font-medium">Posts longer than Bluesky allows</legend>
    {LONG_POSTS.map((m) => (
      <label key={m.value} class="mt-1 flex items-center gap-2">
        <input type="radio" name="long_posts" value={m.value} checked={props.current === m.value} class="h-4 w-4 accent-emerald-700" />
        {m.label}
      </label>
    ))}
  </fieldset>
))

export default component$(() => {
  const { bridge, csrf, error, saved } = useBluesky().value
  return (
    <main class="pb-12">
      <PageTitle title="Bluesky" lead="Your posts can reach Bluesky as well as the Fediverse: one post, in both networks. It is off until you turn it on." />
      {error && (
        <p role="alert" class="mt-4 rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900" data-testid="form-error">
          {error}
        </p>
      )}
      {saved && !error && (
        <p role="status" class="mt-4 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-900" data-testid="form-saved">
          Saved.
        </p>
      )}
      <section class="mt-6 rounded-xl p-4 ring-1 ring-stone-200 dark:ring-stone-800" aria-labelledby="bluesky-status">
        <h2 id="bluesky-status" class="font-semibold">
          Bridge: <span data-testid="bluesky-state">{bridge.enabled ? 'on' : 'off'}</span>
        </h2>
        {bridge.did !== null && (
          <dl class="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt class="text-stone-600 dark:text-stone-400">Handle</dt>
            <dd data-testid="bluesky-handle">@{bridge.handle}</dd>
            <dt class="text-stone-600 dark:text-stone-400">DID</dt>
            <dd class="break-all font-mono" data-testid="bluesky-did">
              {bridge.did}
            </dd>
            <dt class="text-stone-600 dark:text-stone-400">Profile</dt>
            <dd>
              <a class="underline" href={bridge.profile_url ?? undefined} rel="noopener" data-testid="bluesky-profile">
                {bridge.profile_url}
              </a>
            </dd>
          </dl>
        )}
        {bridge.enabled ? (
          <form method="post" action="/settings/actions/off" class="mt-4" data-testid="bluesky-off">
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" class={secondaryButton}>
              Turn the bridge off
            </button>
          </form>
        ) : (
          <form method="post" action="/settings/actions/on" class="mt-4 space-y-3" data-testid="bluesky-on">
            <input type="hidden" name="csrf" value={csrf} />
            <LongPostsChoice current={bridge.long_posts} />
            <button type="submit" class={primaryButton}>
              {bridge.did === null ? 'Turn the bridge on' : 'Turn the bridge back on'}
            </button>
          </form>
        )}
      </section>
      {bridge.enabled && (
        <form method="post" action="/settings/actions/settings" class="mt-6 space-y-4" data-testid="bluesky-settings">
          <input type="hidden" name="csrf" value={csrf} />
          <LongPostsChoice current={bridge.long_posts} />
          <div>
            <label for="handle" class="font-medium">
              Your own domain as handle (optional)
            </label>
            <p id="handle-help" class="text-sm text-stone-600 dark:text-stone-400">
              First add a DNS TXT record <code>_atproto.&lt;your domain&gt;</code> with the value <code>did={bridge.did}</code>.
            </p>
            <input id="handle" name="handle" placeholder="you.example.com" aria-describedby="handle-help" class={fieldClass} />
          </div>
          <button type="submit" class={primaryButton}>
            Save
          </button>
        </form>
      )}
    </main>
  )
})

export const head: DocumentHead = { title: 'Settings: Bluesky', meta: [{ name: 'robots', content: 'noindex' }] }
