import { component$, Slot } from '@builder.io/qwik'
import { routeLoader$, useLocation } from '@builder.io/qwik-city'
import { adminUser } from '../../../../backend/web/admin'
import { dbOf, envOf } from '../../platform'
import { formCsrf, formError, withReturnTo } from '../../auth-page'
import { Tabs } from '../../components/page-title'

/**
 * Who may see the owner pages. This only decides what the pages show: every form posts to
 * /admin/actions/*, which checks the session and the admin role again on each post.
 */
export const useAdmin = routeLoader$(async (ev) => {
  const who = await adminUser(envOf(ev), dbOf(ev), ev.request)
  if (who === 'signed-out') throw ev.redirect(303, withReturnTo('/auth/login', ev.url.pathname))
  ev.headers.set('Cache-Control', 'no-store')
  if (who === 'forbidden') {
    ev.status(403)
    return { ok: false as const }
  }
  return { ok: true as const, csrf: formCsrf(ev), error: formError(ev), saved: ev.url.searchParams.get('saved') === '1' }
})

const TABS = [
  { href: '/admin', label: 'Settings' },
  { href: '/admin/registrations', label: 'Registrations' },
  { href: '/admin/reports', label: 'Reports' },
  { href: '/admin/domain-blocks', label: 'Domain blocks' },
]

export default component$(() => {
  const admin = useAdmin().value
  const loc = useLocation()
  if (!admin.ok) {
    return (
      <main class="py-24 text-center">
        <h1 class="text-3xl font-bold">Owners only</h1>
        <p class="mt-3 text-stone-600 dark:text-stone-300" data-testid="admin-forbidden">
          These pages are for the admin of this server.
        </p>
      </main>
    )
  }
  return (
    <main class="pb-12">
      <h1 class="pt-10 text-3xl font-bold tracking-tight">Administration</h1>
      <Tabs label="Administration" current={loc.url.pathname} tabs={TABS} />
      {admin.error && (
        <p role="alert" class="mt-4 rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900" data-testid="form-error">
          {admin.error}
        </p>
      )}
      {admin.saved && !admin.error && (
        <p role="status" class="mt-4 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-900" data-testid="form-saved">
          Saved.
        </p>
      )}
      <Slot />
    </main>
  )
})
