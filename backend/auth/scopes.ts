import { HttpError } from '../http/errors'

/** Mastodon's OAuth scopes (4.3): the top-level ones and every granular one. */
const READ = ['accounts', 'blocks', 'bookmarks', 'favourites', 'filters', 'follows', 'lists', 'mutes', 'notifications', 'search', 'statuses'] as const
const WRITE = ['accounts', 'blocks', 'bookmarks', 'conversations', 'favourites', 'filters', 'follows', 'lists', 'media', 'mutes', 'notifications', 'reports', 'statuses'] as const
const ADMIN_READ = ['accounts', 'reports', 'domain_allows', 'domain_blocks', 'ip_blocks', 'email_domain_blocks', 'canonical_email_blocks'] as const
const ADMIN_WRITE = ADMIN_READ

export const SCOPES: readonly string[] = [
  'read', 'write', 'follow', 'push', 'profile',
  ...READ.map((s) => `read:${s}`),
  ...WRITE.map((s) => `write:${s}`),
  'admin:read', 'admin:write',
  ...ADMIN_READ.map((s) => `admin:read:${s}`),
  ...ADMIN_WRITE.map((s) => `admin:write:${s}`),
]
const KNOWN = new Set(SCOPES)

/** The deprecated `follow` scope stands for these. */
const FOLLOW_COVERS = new Set(['read:blocks', 'write:blocks', 'read:follows', 'write:follows', 'read:mutes', 'write:mutes'])

/**
 * Parses a space-separated scope string (Mastodon also accepts '+'). Empty means `read`, as in
 * Mastodon. Unknown scopes are a 400 `invalid_scope`.
 */
export function parseScopes(value: unknown, fallback = 'read'): string[] {
  const text = typeof value === 'string' && value.trim() !== '' ? value : fallback
  const list = [...new Set(text.split(/[\s+]+/).filter((s) => s !== ''))]
  const unknown = list.filter((s) => !KNOWN.has(s))
  if (unknown.length > 0) throw new HttpError(400, 'invalid_scope', {}, `The requested scope is invalid, unknown, or malformed: ${unknown.join(' ')}`)
  return list
}

/** Whether a granted scope set allows `required`: a parent covers its children, `follow` its granular scopes. */
export function grants(granted: readonly string[], required: string): boolean {
  for (let scope = required; ; ) {
    if (granted.includes(scope)) return true
    const cut = scope.lastIndexOf(':')
    if (cut < 0) break
    scope = scope.slice(0, cut)
  }
  return FOLLOW_COVERS.has(required) && granted.includes('follow')
}

/** Every scope asked for must be within what the app registered. */
export function within(asked: readonly string[], allowed: readonly string[]): boolean {
  return asked.every((s) => grants(allowed, s))
}
