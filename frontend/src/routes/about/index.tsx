import { component$ } from '@builder.io/qwik'
import type { DocumentHead } from '@builder.io/qwik-city'
import { useSiteSettings } from '../layout'

const REGISTRATIONS: Record<string, string> = {
  open: 'Anyone can sign up.',
  approval: 'Sign-ups are reviewed by the owner before the account is active.',
  closed: 'Sign-ups are closed.',
}

export default component$(() => {
  const site = useSiteSettings()
  const s = site.value
  return (
    <main class="py-12">
      {s.thumbnailUrl && <img src={s.thumbnailUrl} alt="" width={1200} height={630} class="mb-6 aspect-[40/21] h-auto w-full rounded-2xl bg-stone-200 object-cover dark:bg-stone-800" data-testid="about-thumbnail" />}
      <h1 class="text-3xl font-bold tracking-tight">About {s.title}</h1>
      <p class="mt-4 whitespace-pre-line text-stone-700 dark:text-stone-300" data-testid="about-description">
        {s.description}
      </p>

      <section aria-labelledby="rules-heading" class="mt-10">
        <h2 id="rules-heading" class="text-xl font-semibold">
          Rules
        </h2>
        {s.rules.length === 0 ? (
          <p class="mt-2 text-stone-600 dark:text-stone-400">This server has not set any rules.</p>
        ) : (
          <ol class="mt-3 space-y-3" data-testid="about-rules">
            {s.rules.map((rule, i) => (
              <li key={rule.id} class="flex gap-3 rounded-xl bg-white p-4 ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800">
                <span class="flex h-7 w-7 flex-none items-center justify-center rounded-full bg-emerald-700 text-sm font-semibold text-white" aria-hidden="true">
                  {i + 1}
                </span>
                <div>
                  <p class="font-medium">{rule.text}</p>
                  {rule.hint && <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">{rule.hint}</p>}
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="signup-heading" class="mt-10">
        <h2 id="signup-heading" class="text-xl font-semibold">
          Joining
        </h2>
        <p class="mt-2 text-stone-700 dark:text-stone-300" data-testid="about-registrations">
          {REGISTRATIONS[s.registrationsMode]}
        </p>
      </section>

      <section aria-labelledby="contact-heading" class="mt-10">
        <h2 id="contact-heading" class="text-xl font-semibold">
          Contact
        </h2>
        {s.contactEmail ? (
          <p class="mt-2">
            <a class="text-emerald-700 underline dark:text-emerald-400" href={`mailto:${s.contactEmail}`} data-testid="about-contact">
              {s.contactEmail}
            </a>
          </p>
        ) : (
          <p class="mt-2 text-stone-600 dark:text-stone-400">The owner has not published a contact address.</p>
        )}
      </section>
    </main>
  )
})

export const head: DocumentHead = ({ resolveValue }) => {
  const site = resolveValue(useSiteSettings)
  return { title: `About ${site.title}`, meta: [{ name: 'description', content: site.shortDescription }] }
}
