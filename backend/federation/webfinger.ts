// WebFinger (RFC 7033) for local accounts and the instance actor: by `acct:user@host` or by actor/profile URL.
import type { Db } from '../db/client'
import { HttpError, badRequest, notFound } from '../http/errors'
import { INSTANCE_ACTOR_USERNAME, instanceActorUri } from './instance-actor'
import { ACTIVITY_JSON } from './signed-fetch'

export interface Jrd {
  subject: string
  aliases: string[]
  links: Record<string, string>[]
}

/** The local username a resource names, or null when it names nothing here. */
function usernameOf(resource: string, origin: string): string | null {
  const host = new URL(origin).host
  const acct = /^acct:([^@]+)@(.+)$/i.exec(resource)
  if (acct) return acct[2]?.toLowerCase() === host.toLowerCase() ? (acct[1] ?? null) : null
  let url: URL
  try {
    url = new URL(resource)
  } catch {
    return null
  }
  if (url.origin !== origin) return null
  if (url.pathname === '/actor') return INSTANCE_ACTOR_USERNAME
  return /^\/(?:users\/|@)([^/]+)\/?$/.exec(url.pathname)?.[1] ?? null
}

export async function webfinger(db: Db, origin: string, resource: string | null): Promise<Jrd> {
  if (!resource) throw badRequest('resource is required')
  const host = new URL(origin).host
  const username = usernameOf(resource.trim(), origin)
  if (username === null) throw notFound('Unknown resource')
  if (username === INSTANCE_ACTOR_USERNAME || username.toLowerCase() === host.toLowerCase()) {
    const uri = instanceActorUri(origin)
    return {
      subject: `acct:${host}@${host}`,
      aliases: [uri],
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: `${origin}/about` },
        { rel: 'self', type: ACTIVITY_JSON, href: uri },
      ],
    }
  }
  const account = await db
    .selectFrom('accounts')
    .select(['username', 'uri', 'url'])
    .where('username', '=', username)
    .where('domain', '=', '')
    .executeTakeFirst()
  if (!account) throw new HttpError(404, 'Unknown account')
  const profile = account.url ?? `${origin}/@${account.username}`
  return {
    subject: `acct:${account.username}@${host}`,
    aliases: [profile, account.uri],
    links: [
      { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: profile },
      { rel: 'self', type: ACTIVITY_JSON, href: account.uri },
      { rel: 'http://ostatus.org/schema/1.0/subscribe', template: `${origin}/authorize_interaction?uri={uri}` },
    ],
  }
}
