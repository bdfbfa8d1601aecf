import { unprocessable } from '../http/errors'
import type { SettingsPatch } from '../instance/settings'

/** A form field as text, with the browser's CRLF line endings made LF. */
export function text(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name]
  return typeof v === 'string' ? v.replace(/\r\n/g, '\n') : undefined
}

/** The settings form: one rule per line, `rule text | hint`. */
export function settingsPatchFromForm(params: Record<string, unknown>): SettingsPatch {
  const patch: SettingsPatch = {}
  const title = text(params, 'title')
  if (title !== undefined) patch.title = title.trim()
  const short = text(params, 'short_description')
  if (short !== undefined) patch.shortDescription = short.trim()
  const description = text(params, 'description')
  if (description !== undefined) patch.description = description.trim()
  const email = text(params, 'contact_email')
  if (email !== undefined) patch.contactEmail = email.trim()
  const thumb = text(params, 'thumbnail_url')
  if (thumb !== undefined) patch.thumbnailUrl = thumb.trim() === '' ? null : thumb.trim()
  const mode = text(params, 'registrations_mode')
  if (mode !== undefined) {
    if (mode !== 'open' && mode !== 'approval' && mode !== 'closed') throw unprocessable('registrations_mode must be open, approval or closed')
    patch.registrationsMode = mode
  }
  const rules = text(params, 'rules')
  if (rules !== undefined) {
    patch.rules = rules
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => {
        const bar = line.indexOf('|')
        return bar < 0 ? { text: line } : { text: line.slice(0, bar).trim(), hint: line.slice(bar + 1).trim() }
      })
  }
  return patch
}
