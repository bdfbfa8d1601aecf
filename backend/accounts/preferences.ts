import type { Db } from '../db/client'
import { notFound } from '../http/errors'

/**
 * GET /api/v1/preferences. The posting defaults are the ones update_credentials writes as
 * source[privacy], source[sensitive] and source[language]; the reading ones keep Mastodon's defaults
 * until a settings page changes them.
 */
export async function readPreferences(db: Db, accountId: string) {
  const u = await db
    .selectFrom('users')
    .select(['privacy', 'sensitive', 'language', 'expand_media', 'expand_spoilers'])
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  if (u === undefined) throw notFound()
  return {
    'posting:default:visibility': u.privacy,
    'posting:default:sensitive': u.sensitive === 1,
    'posting:default:language': u.language,
    'reading:expand:media': u.expand_media,
    'reading:expand:spoilers': u.expand_spoilers === 1,
  }
}
