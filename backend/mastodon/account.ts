import type { Selectable } from 'kysely'
import type { AccountsTable, UsersTable } from '../db/schema'

export type AccountRow = Selectable<AccountsTable>
export type UserRow = Selectable<UsersTable>

interface Field {
  name: string
  value: string
  verified_at: string | null
}

function parseFields(text: string): Field[] {
  try {
    const list = JSON.parse(text) as unknown
    if (!Array.isArray(list)) return []
    return list
      .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
      .map((f) => ({ name: String(f.name ?? ''), value: String(f.value ?? ''), verified_at: typeof f.verified_at === 'string' ? f.verified_at : null }))
  } catch {
    return []
  }
}

/** Mastodon rounds created_at to the day, and last_status_at to a date, so activity is not too precise. */
function day(ts: string): string {
  return `${ts.slice(0, 10)}T00:00:00.000Z`
}

/** Images that local accounts show until they upload their own (served from frontend/public). */
export function defaultAvatar(origin: string): string {
  return `${origin}/avatars/original/missing.png`
}
export function defaultHeader(origin: string): string {
  return `${origin}/headers/original/missing.png`
}

/** The Mastodon Account entity. `origin` is the instance's, e.g. https://social.example. */
export function renderAccount(row: AccountRow, origin: string) {
  const local = row.domain === ''
  const avatar = row.avatar_url ?? defaultAvatar(origin)
  const header = row.header_url ?? defaultHeader(origin)
  return {
    id: row.id,
    username: row.username,
    acct: local ? row.username : `${row.username}@${row.domain}`,
    display_name: row.display_name,
    locked: row.locked === 1,
    bot: row.bot === 1,
    discoverable: row.discoverable === 1,
    indexable: row.discoverable === 1,
    group: false,
    hide_collections: false,
    noindex: false,
    created_at: day(row.created_at),
    note: row.note,
    url: row.url ?? `${origin}/@${row.username}`,
    uri: row.uri,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    followers_count: row.followers_count,
    following_count: row.following_count,
    statuses_count: row.statuses_count,
    last_status_at: row.last_status_at === null ? null : row.last_status_at.slice(0, 10),
    emojis: [],
    fields: parseFields(row.fields),
    roles: [],
  }
}

/** Mastodon's Role for the signed-in user; "3"/"Owner" and "-99"/everyone are Mastodon's own ids. */
function role(user: UserRow) {
  return user.role === 'admin'
    ? { id: '3', name: 'Owner', color: '', permissions: '1048575', highlighted: true }
    : { id: '-99', name: '', color: '', permissions: '0', highlighted: false }
}

/** The CredentialAccount entity: the Account plus `source` and `role`, for the account's own user. */
export function renderCredentialAccount(row: AccountRow, user: UserRow, origin: string) {
  const account = renderAccount(row, origin)
  return {
    ...account,
    source: {
      privacy: user.privacy,
      sensitive: user.sensitive === 1,
      language: user.language,
      note: user.note_source,
      fields: parseFields(user.fields_source).map((f) => ({ name: f.name, value: f.value, verified_at: null })),
      // Herd has no follow requests table yet: this is the true count until it does.
      follow_requests_count: 0,
      indexable: account.indexable,
      hide_collections: false,
      discoverable: account.discoverable,
      attribution_domains: [],
    },
    role: role(user),
  }
}
