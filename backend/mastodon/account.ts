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

/** Images that accounts show until they have their own (served from frontend/public, as Mastodon names them). */
export function defaultAvatar(origin: string): string {
  return `${origin}/avatars/original/missing.png`
}
export function defaultHeader(origin: string): string {
  return `${origin}/headers/original/missing.png`
}

export function isLocal(row: Pick<AccountRow, 'domain'>): boolean {
  return row.domain === ''
}

/** `user` for local accounts, `user@domain` for remote ones, as Mastodon writes `acct`. */
export function acctOf(row: Pick<AccountRow, 'username' | 'domain'>): string {
  return isLocal(row) ? row.username : `${row.username}@${row.domain}`
}

/** The profile page: ours for local accounts, the remote server's (or the actor id) otherwise. */
export function profileUrl(row: Pick<AccountRow, 'username' | 'domain' | 'url' | 'uri'>, origin: string): string {
  return isLocal(row) ? `${origin}/@${row.username}` : (row.url ?? row.uri)
}

/** The Mastodon Account entity. `origin` is the instance's, e.g. https://social.example. Counts are kept by triggers. */
export function renderAccount(row: AccountRow, origin: string) {
  const avatar = row.avatar_url ?? defaultAvatar(origin)
  const header = row.header_url ?? defaultHeader(origin)
  return {
    id: row.id,
    username: row.username,
    acct: acctOf(row),
    display_name: row.display_name,
    locked: row.locked === 1,
    bot: row.bot === 1,
    discoverable: row.discoverable === 1,
    indexable: row.discoverable === 1,
    group: false,
    hide_collections: false,
    noindex: row.discoverable !== 1,
    created_at: day(row.created_at),
    note: row.note,
    url: profileUrl(row, origin),
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

export type MastodonAccount = ReturnType<typeof renderAccount>

/** Mastodon's Role for the signed-in user; "3"/"Owner" and "-99"/everyone are Mastodon's own ids. */
function role(user: UserRow) {
  return user.role === 'admin'
    ? { id: '3', name: 'Owner', color: '', permissions: '1048575', highlighted: true }
    : { id: '-99', name: '', color: '', permissions: '0', highlighted: false }
}

/** The CredentialAccount entity: the Account plus `source` and `role`, for the account's own user. */
export function renderCredentialAccount(row: AccountRow, user: UserRow, origin: string, followRequestsCount: number) {
  const account = renderAccount(row, origin)
  return {
    ...account,
    source: {
      privacy: user.privacy,
      sensitive: user.sensitive === 1,
      language: user.language,
      note: user.note_source,
      fields: parseFields(user.fields_source).map((f) => ({ name: f.name, value: f.value, verified_at: null })),
      follow_requests_count: followRequestsCount,
      indexable: account.indexable,
      hide_collections: false,
      discoverable: account.discoverable,
      attribution_domains: [],
    },
    role: role(user),
  }
}
