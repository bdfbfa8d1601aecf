import type { Db } from '../db/client'
import { mediaUrl } from '../mastodon/media'

/** GET /api/v1/custom_emojis: this instance's own emoji (domain ''), in shortcode order. */
export async function localCustomEmojis(db: Db, origin: string) {
  const rows = await db
    .selectFrom('custom_emojis')
    .select(['shortcode', 'url', 'static_url', 'r2_key', 'visible_in_picker', 'category'])
    .where('domain', '=', '')
    .orderBy('shortcode')
    .execute()
  return rows.map((e) => {
    // Emoji stored in our bucket are served from it; the stored URLs are for the rest.
    const stored = e.r2_key !== null ? mediaUrl(e.r2_key, origin) : null
    return {
      shortcode: e.shortcode,
      url: stored ?? e.url,
      static_url: stored ?? e.static_url,
      visible_in_picker: e.visible_in_picker === 1,
      category: e.category,
    }
  })
}
