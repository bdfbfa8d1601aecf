import { sql } from 'kysely'
import type { Db } from '../db/client'
import { renderAccount } from '../mastodon/account'

export const SEARCH_LIMIT = 20

function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * The site search: accounts whose username or display name starts with the words, and hashtags
 * whose name starts with them. Prefix matches only, so each is a bounded index range or a short scan.
 */
export async function searchSite(db: Db, query: string, origin: string) {
  const q = query.trim().slice(0, 100)
  if (q === '') return { accounts: [], tags: [] }
  const bare = q.replace(/^[@#]/, '')
  const [username = '', domain] = bare.split('@')
  const accountsQuery = q.startsWith('#') || username === ''
    ? Promise.resolve([])
    : db
        .selectFrom('accounts')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb(sql<string>`username`, 'like', sql<string>`${likePrefix(username)} ESCAPE '\\'`),
            eb(sql<string>`display_name`, 'like', sql<string>`${likePrefix(bare)} ESCAPE '\\'`),
          ]),
        )
        .$if(domain !== undefined && domain !== '', (qb) => qb.where('domain', 'like', sql<string>`${likePrefix((domain ?? '').toLowerCase())} ESCAPE '\\'`))
        .orderBy('followers_count', 'desc')
        .orderBy('id')
        .limit(SEARCH_LIMIT)
        .execute()
  const tagName = bare.replace(/[^\p{L}\p{N}_]/gu, '')
  const tagsQuery = tagName === '' || q.startsWith('@')
    ? Promise.resolve([])
    : db
        .selectFrom('tags')
        .select(['name'])
        .where('name', 'like', sql<string>`${likePrefix(tagName.toLowerCase())} ESCAPE '\\'`)
        .orderBy('name')
        .limit(SEARCH_LIMIT)
        .execute()
  const [accounts, tags] = await Promise.all([accountsQuery, tagsQuery])
  return { accounts: accounts.map((a) => renderAccount(a, origin)), tags: tags.map((t) => t.name) }
}
