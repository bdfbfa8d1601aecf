import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { listReports } from '../../../../../backend/web/admin'
import { AdminForm, secondaryButton } from '../../../components/admin-form'
import { dbOf } from '../../../platform'
import { useAdmin } from '../layout'

export const useReports = routeLoader$(async (ev) => {
  const resolved = ev.url.searchParams.get('resolved') === '1'
  return { resolved, reports: (await ev.resolveValue(useAdmin)).ok ? await listReports(dbOf(ev), resolved) : [] }
})

const acct = (username: string, domain: string) => (domain === '' ? username : `${username}@${domain}`)

export default component$(() => {
  const admin = useAdmin().value
  const r = useReports().value
  if (!admin.ok) return null
  return (
    <section aria-labelledby="reports-heading" class="mt-6">
      <div class="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="reports-heading" class="text-xl font-semibold">
          {r.resolved ? 'Resolved reports' : 'Open reports'}
        </h2>
        <a href={r.resolved ? '/admin/reports' : '/admin/reports?resolved=1'} class="text-sm text-emerald-800 underline dark:text-emerald-300">
          {r.resolved ? 'Show open reports' : 'Show resolved reports'}
        </a>
      </div>
      {r.reports.length === 0 ? (
        <p class="mt-2 text-stone-600 dark:text-stone-400" data-testid="no-reports">
          No reports.
        </p>
      ) : (
        <ul class="mt-3 space-y-3" data-testid="reports">
          {r.reports.map((rep) => (
            <li key={rep.id} class="rounded-xl bg-white p-4 ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800">
              <p>
                <a class="font-semibold text-emerald-800 underline dark:text-emerald-300" href={`/@${acct(rep.target_username, rep.target_domain)}`}>
                  @{acct(rep.target_username, rep.target_domain)}
                </a>{' '}
                <span class="rounded bg-stone-200 px-1.5 py-0.5 text-xs font-medium dark:bg-stone-800">{rep.category}</span>
              </p>
              <p class="text-sm text-stone-600 dark:text-stone-400">
                Reported by @{acct(rep.reporter_username, rep.reporter_domain)} on {rep.created_at.slice(0, 10)}
                {rep.action_taken_at && ` · resolved ${rep.action_taken_at.slice(0, 10)}`}
              </p>
              {rep.comment && <p class="mt-2 whitespace-pre-line">{rep.comment}</p>}
              {!rep.action_taken_at && (
                <AdminForm action="resolve-report" csrf={admin.csrf} class="mt-3">
                  <input type="hidden" name="id" value={rep.id} />
                  <button type="submit" class={secondaryButton}>
                    Mark resolved
                  </button>
                </AdminForm>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
})

export const head: DocumentHead = { title: 'Administration: reports', meta: [{ name: 'robots', content: 'noindex' }] }
