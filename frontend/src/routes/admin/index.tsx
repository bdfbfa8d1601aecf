import { component$ } from '@builder.io/qwik'
import { routeLoader$, type DocumentHead } from '@builder.io/qwik-city'
import { getSettings } from '../../../../backend/instance/settings'
import { AdminForm, fieldClass, primaryButton } from '../../components/admin-form'
import { dbOf, envOf } from '../../platform'
import { useAdmin } from './layout'

export const useSettingsForm = routeLoader$(async (ev) => {
  if (!(await ev.resolveValue(useAdmin)).ok) return null
  const s = await getSettings(envOf(ev), dbOf(ev))
  return {
    title: s.title,
    shortDescription: s.shortDescription,
    description: s.description,
    contactEmail: s.contactEmail,
    thumbnailUrl: s.thumbnailUrl ?? '',
    registrationsMode: s.registrationsMode,
    rules: s.rules.map((r) => (r.hint ? `${r.text} | ${r.hint}` : r.text)).join('\n'),
  }
})

const MODES = [
  { value: 'open', label: 'Open: anyone can sign up' },
  { value: 'approval', label: 'Approval: you review each sign-up' },
  { value: 'closed', label: 'Closed: no sign-ups' },
]

export default component$(() => {
  const admin = useAdmin().value
  const s = useSettingsForm().value
  if (!admin.ok || s === null) return null
  return (
    <AdminForm action="settings" csrf={admin.csrf} class="mt-6 space-y-5" testid="settings-form">
      <div>
        <label for="title" class="font-medium">Server name</label>
        <input id="title" name="title" required maxLength={200} value={s.title} class={fieldClass} />
      </div>
      <div>
        <label for="short_description" class="font-medium">Short description</label>
        <input id="short_description" name="short_description" maxLength={500} value={s.shortDescription} class={fieldClass} />
      </div>
      <div>
        <label for="description" class="font-medium">Description</label>
        <textarea id="description" name="description" rows={5} class={fieldClass} value={s.description} />
      </div>
      <div>
        <label for="thumbnail_url" class="font-medium">Thumbnail URL</label>
        <input id="thumbnail_url" name="thumbnail_url" type="url" value={s.thumbnailUrl} placeholder="https://…" class={fieldClass} />
      </div>
      <div>
        <label for="contact_email" class="font-medium">Contact email</label>
        <input id="contact_email" name="contact_email" type="email" value={s.contactEmail} class={fieldClass} />
      </div>
      <fieldset>
        <legend class="font-medium">Registrations</legend>
        <div class="mt-2 space-y-2">
          {MODES.map((m) => (
            <label key={m.value} class="flex items-center gap-2">
              <input type="radio" name="registrations_mode" value={m.value} checked={s.registrationsMode === m.value} class="h-4 w-4 accent-emerald-700" />
              {m.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <label for="rules" class="font-medium">Rules</label>
        <p id="rules-help" class="text-sm text-stone-600 dark:text-stone-400">
          One rule per line. Add an explanation after a bar: <code>Be kind | to everyone</code>
        </p>
        <textarea id="rules" name="rules" rows={6} aria-describedby="rules-help" class={fieldClass} value={s.rules} />
      </div>
      <button type="submit" class={primaryButton}>
        Save settings
      </button>
    </AdminForm>
  )
})

export const head: DocumentHead = { title: 'Administration: settings', meta: [{ name: 'robots', content: 'noindex' }] }
