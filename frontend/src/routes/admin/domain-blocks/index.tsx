import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { listDomainBlocks } from '../../../../../backend/web/admin'
import { AdminForm, fieldClass, primaryButton, secondaryButton } from '../../../components/admin-form'
import { dbOf } from '../../../platform'
import { useAdmin } from '../layout'

export const useBlocks = routeLoader$(async (ev) => ((await ev.resolveValue(useAdmin)).ok ? listDomainBlocks(dbOf(ev)) : []))

export default component$(() => {
  const admin = useAdmin().value
  const blocks = useBlocks().value
  if (!admin.ok) return null
  return (
    <>
      <section aria-labelledby="add-heading" class="mt-6">
        <h2 id="add-heading" class="text-xl font-semibold">
          Block a domain
        </h2>
        <AdminForm action="block-domain" csrf={admin.csrf} class="mt-3 grid gap-4 sm:grid-cols-2" testid="block-form">
          <div>
            <label for="domain" class="font-medium">Domain</label>
            <input id="domain" name="domain" required placeholder="spam.example" class={fieldClass} />
          </div>
          <div>
            <label for="severity" class="font-medium">Severity</label>
            <select id="severity" name="severity" class={fieldClass}>
              <option value="suspend">Suspend: no contact at all</option>
              <option value="silence">Silence: hide from public timelines</option>
              <option value="noop">None: only publish the comment</option>
            </select>
          </div>
          <div>
            <label for="public_comment" class="font-medium">Public comment</label>
            <input id="public_comment" name="public_comment" class={fieldClass} />
          </div>
          <div>
            <label for="private_comment" class="font-medium">Private note</label>
            <input id="private_comment" name="private_comment" class={fieldClass} />
          </div>
          <div>
            <button type="submit" class={primaryButton}>
              Block domain
            </button>
          </div>
        </AdminForm>
      </section>
      <section aria-labelledby="blocks-heading" class="mt-8">
        <h2 id="blocks-heading" class="text-xl font-semibold">
          Blocked domains
        </h2>
        {blocks.length === 0 ? (
          <p class="mt-2 text-stone-600 dark:text-stone-400">No domains are blocked.</p>
        ) : (
          <ul class="mt-3 divide-y divide-stone-200 rounded-xl bg-white ring-1 ring-stone-200 dark:divide-stone-800 dark:bg-stone-900 dark:ring-stone-800" data-testid="blocks">
            {blocks.map((b) => (
              <li key={b.domain} class="flex flex-wrap items-center justify-between gap-3 p-3">
                <div class="min-w-0">
                  <p class="break-all font-semibold">{b.domain}</p>
                  <p class="text-sm text-stone-600 dark:text-stone-400">
                    {b.severity}
                    {b.public_comment && ` · ${b.public_comment}`}
                    {b.private_comment && ` · note: ${b.private_comment}`}
                  </p>
                </div>
                <AdminForm action="unblock-domain" csrf={admin.csrf}>
                  <input type="hidden" name="domain" value={b.domain} />
                  <button type="submit" class={secondaryButton}>
                    Unblock <span class="sr-only">{b.domain}</span>
                  </button>
                </AdminForm>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  )
})

export const head: DocumentHead = { title: 'Administration: domain blocks', meta: [{ name: 'robots', content: 'noindex' }] }
