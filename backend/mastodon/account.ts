import type { Selectable } from 'kysely'
import type { AccountsTable, UsersTable } from '../db/schema'

export type AccountRow = Selectable<AccountsTable>
export type UserRow = Selectable<UsersTable>

/** Mastodon serves these when an account has no avatar or header; so do we (frontend/public). */
export function missingAvatar(origin: string): string {
  return `${origin}/avatars/original/missing.png`
}
export function missingHeader(origin: string): string {
  return `${origin}/headers/original/missing.png`
}

export function isLocal(row: Pick<AccountRow, 'domain'>): boolean {
  return row.domain === ''
}

/** `user` for local accounts, `user@domain` for remote ones, as Mastodon writes `acct`. */
export function acctOf(row: Pick<AccountRow, 'username' | 'domain'>): string {
  return isLocal(row) ? row.username : `${row.username}@${row.domain}`
}

/** The profile page: ours for local accounts, the remote server's otherwise. */
export function profileUrl(row: Pick<AccountRow, 'username' | 'domain' | 'url' | 'uri'>, origin: string): string {
  return isLocal(row) ? `${origin}/@${row.username}` : (row.url ?? row.uri)
}

interface StoredField {
  name: string
  value: string
  verified_at?: string | null
}

function parseFields(json: string): StoredField[] {
  try {
    const value: unknown = JSON.parse(json)
    if (!Array.isArray(value)) return []
    return value.filter((f): f is StoredField => typeof f === 'object' && f !== null && typeof f.name === 'string' && typeof f.value === 'string')
  } catch {
    return []
  }
}

/** The Mastodon Account entity. Every count is a column kept by triggers; nothing here is made up. */
export function renderAccount(row: AccountRow, origin: string) {
  const avatar = row.avatar_url ?? missingAvatar(origin)
  const header = row.header_url ?? missingHeader(origin)
  return {
    id: row.id,
    username: row.username,
    acct: acctOf(row),
    url: profileUrl(row, origin),
    uri: row.uri,
    display_name: row.display_name,
    note: row.note,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    locked: row.locked === 1,
    fields: parseFields(row.fields).map((f) => ({ name: f.name, value: f.value, verified_at: f.verified_at ?? null })),
    emojis: [],
    bot: row.bot === 1,
    group: false,
    discoverable: row.discoverable === 1,
    indexable: row.discoverable === 1,
    noindex: row.discoverable !== 1,
    created_at: midnight(row.created_at),
    last_status_at: row.last_status_at === null ? null : row.last_status_at.slice(0, 10),
    statuses_count: row.statuses_count,
    followers_count: row.followers_count,
    following_count: row.following_count,
  }
}

export type MastodonAccount = ReturnType<typeof renderAccount>

/** Mastodon rounds account creation to the day, so profiles do not reveal when exactly someone joined. */
function midnight(timestamp: string): string {
  return `${timestamp.slice(0, 10)}T00:00:00.000Z`
}

/** Mastodon's Role for the signed-in user; "3"/"Owner" and "-99"/everyone are Mastodon's own ids. */
function role(user: Pick<UserRow, 'role'>) {
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
