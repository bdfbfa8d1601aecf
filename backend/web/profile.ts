import type { Db } from '../db/client'
import { lookupAccount } from '../accounts/read'
import { sanitizeHtml } from '../federation/sanitize-html'
import { escapeHtml, decodeEntities } from '../federation/html-entities'
import type { MastodonAccount } from '../mastodon/account'

/** Links in profile fields are marked `rel="me"`, so other sites can verify they belong to this profile. */
export const FIELD_LINK_REL = 'me nofollow noopener noreferrer'

export interface ProfileField {
  name: string
  html: string
  /** The field's link, when its value is one: it is also published as `<link rel="me">`. */
  link: string | null
  verifiedAt: string | null
}

function httpUrl(text: string): string | null {
  try {
    const u = new URL(text.trim())
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null
  } catch {
    return null
  }
}

/** A field value is plain text or (from remote servers) HTML; either way it is shown sanitized. */
export function profileField(f: { name: string; value: string; verified_at: string | null }): ProfileField {
  const plain = httpUrl(decodeEntities(f.value.replace(/<[^>]*>/g, '')))
  const html = /<[a-z][^>]*>/i.test(f.value) ? sanitizeHtml(f.value) : escapeHtml(f.value)
  const withRel = html.replace(/rel="[^"]*"/g, `rel="${FIELD_LINK_REL}"`)
  const link = plain ?? /href="([^"]+)"/.exec(withRel)?.[1] ?? null
  const shown = link !== null && !/<a\s/.test(withRel) ? `<a href="${escapeHtml(link)}" rel="${FIELD_LINK_REL}" target="_blank">${escapeHtml(plain ?? link)}</a>` : withRel
  return { name: f.name, html: shown, link: link === null ? null : decodeEntities(link), verifiedAt: f.verified_at }
}

export interface Profile {
  account: MastodonAccount
  noteHtml: string
  fields: ProfileField[]
  local: boolean
}

/** The account behind `/@user` or `/@user@domain`, ready for the profile page; 404 when unknown. */
export async function profileByHandle(db: Db, handle: string, origin: string): Promise<Profile> {
  const account = await lookupAccount(db, handle, origin)
  return {
    account,
    noteHtml: /<[a-z][^>]*>/i.test(account.note) ? sanitizeHtml(account.note) : escapeHtml(account.note).replace(/\n/g, '<br>'),
    fields: account.fields.map(profileField),
    local: !account.acct.includes('@'),
  }
}
