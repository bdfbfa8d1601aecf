import { sql } from 'kysely'
import type { Db } from '../db/client'
import { isId, newId } from '../ids'
import { notFound, unprocessable } from '../http/errors'
import { profileUrl, type AccountRow } from '../mastodon/account'
import { findOrCreateTag, findTag, renderTags, tagName, type MastodonTag, type TagRow } from './tags'

/** Mastodon's limit on featured hashtags per account. */
export const MAX_FEATURED_TAGS = 10
/** How many of the account's latest statuses suggestions look at (Mastodon looks at its recent ones too). */
const SUGGESTION_WINDOW = 200
const MAX_SUGGESTIONS = 10

export interface MastodonFeaturedTag {
  id: string
  name: string
  url: string
  statuses_count: string
  last_status_at: string | null
}

interface FeaturedRow {
  id: string
  name: string
  statuses_count: number
  last_status_at: string | null
}

function render(row: FeaturedRow, owner: Pick<AccountRow, 'username' | 'domain' | 'url' | 'uri'>, origin: string): MastodonFeaturedTag {
  return {
    id: row.id,
    name: row.name,
    url: `${profileUrl(owner, origin)}/tagged/${encodeURIComponent(row.name.toLowerCase())}`,
    // Strings and a day, as Mastodon's entity has them. The counts are kept by trigger (migrations/0013).
    statuses_count: String(row.statuses_count),
    last_status_at: row.last_status_at === null ? null : row.last_status_at.slice(0, 10),
  }
}

async function owner(db: Db, accountId: string): Promise<AccountRow> {
  if (!isId(accountId)) throw notFound()
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst()
  if (!row) throw notFound()
  return row
}

async function featuredRows(db: Db, accountId: string): Promise<FeaturedRow[]> {
  return db
    .selectFrom('featured_tags')
    .innerJoin('tags', 'tags.id', 'featured_tags.tag_id')
    .select(['featured_tags.id', 'tags.name', 'featured_tags.statuses_count', 'featured_tags.last_status_at'])
    .where('featured_tags.account_id', '=', accountId)
    .orderBy('featured_tags.id')
    .limit(MAX_FEATURED_TAGS * 2)
    .execute()
}

/** GET /api/v1/featured_tags and /api/v1/accounts/:id/featured_tags: at most ten, one range scan. */
export async function featuredTags(db: Db, accountId: string, origin: string): Promise<MastodonFeaturedTag[]> {
  const account = await owner(db, accountId)
  return (await featuredRows(db, accountId)).map((r) => render(r, account, origin))
}

/**
 * POST /api/v1/featured_tags. Refused with 422 when the name is not a hashtag, is featured already,
 * or ten are. The counts start from the account's own statuses with the tag; triggers keep them.
 */
export async function featureTag(db: Db, accountId: string, rawName: unknown, origin: string): Promise<MastodonFeaturedTag> {
  if (typeof rawName !== 'string' || rawName.trim() === '') throw unprocessable('Validation failed: Tag is invalid')
  const name = tagName(rawName.trim())
  const account = await owner(db, accountId)
  const existing = await featuredRows(db, accountId)
  if (existing.some((r) => r.name.toLowerCase() === name.toLowerCase())) throw unprocessable('Validation failed: Tag has already been taken')
  if (existing.length >= MAX_FEATURED_TAGS) throw unprocessable(`Validation failed: You cannot feature more than ${MAX_FEATURED_TAGS} hashtags`)
  const tag = await findOrCreateTag(db, name)
  const id = newId()
  // Only public and unlisted posts count, as the count shows on the public profile.
  // The limit is checked again in the insert itself, so two requests at once cannot pass eleven.
  // (The aggregate is a subquery: an aggregate alone always yields a row, whatever its WHERE says.)
  const result = await sql`
    INSERT OR IGNORE INTO featured_tags (id, account_id, tag_id, statuses_count, last_status_at)
    SELECT ${id}, ${accountId}, ${tag.id}, used.n, used.last
      FROM (SELECT count(st.status_id) AS n, max(s.created_at) AS last
              FROM statuses s JOIN status_tags st ON st.tag_id = ${tag.id} AND st.status_id = s.id
             WHERE s.account_id = ${accountId} AND s.visibility IN ('public', 'unlisted')) used
     WHERE (SELECT count(*) FROM featured_tags WHERE account_id = ${accountId}) < ${MAX_FEATURED_TAGS}`.execute(db)
  if (Number(result.numAffectedRows ?? 0) === 0) throw unprocessable('Validation failed: Tag has already been taken, or too many are featured')
  const [row] = (await featuredRows(db, accountId)).filter((r) => r.id === id)
  if (!row) throw notFound()
  return render(row, account, origin)
}

/** DELETE /api/v1/featured_tags/:id: the viewer's own only. */
export async function unfeatureById(db: Db, accountId: string, id: string): Promise<void> {
  if (!isId(id)) throw notFound()
  const gone = await db.deleteFrom('featured_tags').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst()
  if (Number(gone.numDeletedRows) === 0) throw notFound()
}

/**
 * GET /api/v1/featured_tags/suggestions: the hashtags the viewer used most in their latest
 * statuses, not featured yet, most used first. Reads at most the window of statuses and their tags.
 */
export async function featuredTagSuggestions(db: Db, accountId: string, origin: string): Promise<MastodonTag[]> {
  const { rows } = await sql<TagRow & { uses: number }>`
    SELECT t.id, t.name, t.created_at, count(*) AS uses
      FROM (SELECT id FROM statuses WHERE account_id = ${accountId} AND reblog_of_id IS NULL ORDER BY id DESC LIMIT ${SUGGESTION_WINDOW}) s
      JOIN status_tags st ON st.status_id = s.id
      JOIN tags t ON t.id = st.tag_id
     WHERE NOT EXISTS (SELECT 1 FROM featured_tags f WHERE f.account_id = ${accountId} AND f.tag_id = t.id)
     GROUP BY t.id ORDER BY uses DESC, max(s.id) DESC LIMIT ${MAX_SUGGESTIONS}`.execute(db)
  return renderTags(db, rows.map(({ uses: _, ...tag }) => tag), accountId, origin)
}

/** POST /api/v1/tags/:name/feature and /unfeature (Mastodon 4.4): the Tag, with `featuring`. */
export async function setTagFeatured(db: Db, accountId: string, rawName: string, featured: boolean, origin: string): Promise<MastodonTag & { featuring: boolean }> {
  const name = tagName(rawName)
  let tag = await findTag(db, name)
  if (featured) {
    const already = tag !== undefined && (await featuredRows(db, accountId)).some((r) => r.name.toLowerCase() === name.toLowerCase())
    if (!already) await featureTag(db, accountId, name, origin)
    tag = await findTag(db, name)
  } else if (tag !== undefined) {
    await db.deleteFrom('featured_tags').where('account_id', '=', accountId).where('tag_id', '=', tag.id).execute()
  }
  if (tag === undefined) throw notFound()
  const [rendered] = await renderTags(db, [tag], accountId, origin)
  if (!rendered) throw notFound()
  return { ...rendered, featuring: featured }
}
