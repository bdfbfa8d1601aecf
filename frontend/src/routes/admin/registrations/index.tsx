import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { pendingRegistrations } from '../../../../../backend/web/admin'
import { AdminForm, primaryButton, secondaryButton } from '../../../components/admin-form'
import { dbOf } from '../../../platform'
import { useAdmin } from '../layout'

export const usePending = routeLoader$(async (ev) => ((await ev.resolveValue(useAdmin)).ok ? pendingRegistrations(dbOf(ev)) : []))

export default component$(() => {
  const admin = useAdmin().value
  const pending = usePending().value
  if (!admin.ok) return null
  return (
    <section aria-labelledby="pending-heading" class="mt-6">
      <h2 id="pending-heading" class="text-xl font-semibold">
        Waiting for approval
      </h2>
      {pending.length === 0 ? (
        <p class="mt-2 text-stone-600 dark:text-stone-400" data-testid="no-pending">
          No one is waiting.
        </p>
      ) : (
        <ul class="mt-3 space-y-3" data-testid="pending">
          {pending.map((p) => (
            <li key={p.account_id} class="rounded-xl bg-white p-4 ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800">
              <p class="font-semibold">@{p.username}</p>
              <p class="text-sm text-stone-600 dark:text-stone-400">
                {p.email} · signed up {p.created_at.slice(0, 10)}
              </p>
              {p.registration_reason && <p class="mt-2 whitespace-pre-line">{p.registration_reason}</p>}
              <div class="mt-3 flex gap-2">
                <AdminForm action="registration" csrf={admin.csrf}>
                  <input type="hidden" name="account_id" value={p.account_id} />
                  <button type="submit" name="decision" value="approve" class={primaryButton}>
                    Approve @{p.username}
                  </button>
                </AdminForm>
                <AdminForm action="registration" csrf={admin.csrf}>
                  <input type="hidden" name="account_id" value={p.account_id} />
                  <button type="submit" name="decision" value="reject" class={secondaryButton}>
                    Reject
                  </button>
                </AdminForm>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
})

export const head: DocumentHead = { title: 'Administration: registrations', meta: [{ name: 'robots', content: 'noindex' }] }
