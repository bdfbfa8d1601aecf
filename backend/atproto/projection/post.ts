// A local status as app.bsky.feed.post: the author's source text (not the rendered HTML) with
// facets, its language, a self-label when sensitive, its images as blobs, its place in a thread,
// and, when longer than a post may be, either cut with a link card back to it or threaded.
import type { Db } from '../../db/client'
import { spansOf } from '../../federation/content'
import { profileUrl } from '../../mastodon/account'
import { imagesEmbed, type MediaRow } from './images'
import { fits, graphemeCount, split, truncate, utf8Length, type Facet, type Piece, type RichSpan, facetsOf } from './richtext'
import { ProjectionError, mapped, postRef, recordCid, removeRecords, syncRecords, type Bridge, type Planned, type ProjectionEnv, type StrongRef } from './records'

export const POST = 'app.bsky.feed.post'

/** The label Bluesky's clients show as a warning over media; the fediverse's one `sensitive` flag maps to it. */
export const SENSITIVE_LABEL = 'graphic-media'

interface StatusRow {
  id: string
  uri: string
  url: string | null
  account_id: string
  in_reply_to_id: string | null
  reblog_of_id: string | null
  text: string | null
  spoiler_text: string
  sensitive: number
  language: string | null
  visibility: string
  created_at: string
}

interface MentionRow {
  username: string
  domain: string
  url: string | null
  uri: string
  did: string | null
}

export const projectedVisibility = (visibility: string): boolean => visibility === 'public' || visibility === 'unlisted'

/** Whether a status would be projected once its turn comes: local, original, public or unlisted, by a bridged author. */
export async function willProject(db: Db, statusId: string): Promise<boolean> {
  const row = await db
    .selectFrom('statuses')
    .innerJoin('atproto_accounts', 'atproto_accounts.account_id', 'statuses.account_id')
    .select(['statuses.visibility', 'statuses.reblog_of_id', 'statuses.local'])
    .where('statuses.id', '=', statusId)
    .where('atproto_accounts.active', '=', 1)
    .executeTakeFirst()
  return row !== undefined && row.local === 1 && row.reblog_of_id === null && projectedVisibility(row.visibility)
}

async function mentionsOf(db: Db, statusId: string): Promise<MentionRow[]> {
  return db
    .selectFrom('status_mentions')
    .innerJoin('accounts', 'accounts.id', 'status_mentions.account_id')
    .leftJoin('atproto_accounts', (j) => j.onRef('atproto_accounts.account_id', '=', 'accounts.id').on('atproto_accounts.active', '=', 1))
    .select(['accounts.username', 'accounts.domain', 'accounts.url', 'accounts.uri', 'atproto_accounts.did'])
    .where('status_mentions.status_id', '=', statusId)
    .execute()
}

/**
 * Links, hashtags and mentions as facets. A mention of a bridged account is a mention of its DID;
 * a mention of anyone else (remote, or local but not bridged) links to their profile, since
 * Bluesky has no DID for them; a mention of nobody we know stays plain text, as in the HTML.
 */
function richSpans(text: string, mentions: MentionRow[], localHost: string, origin: string): RichSpan[] {
  const out: RichSpan[] = []
  for (const s of spansOf(text)) {
    if (s.kind === 'url') out.push({ start: s.start, end: s.end, feature: { $type: 'app.bsky.richtext.facet#link', uri: s.text } })
    else if (s.kind === 'hashtag') {
      const tag = s.text.slice(1)
      // app.bsky.richtext.facet#tag: at most 64 graphemes and 640 bytes.
      if (graphemeCount(tag) <= 64 && utf8Length(tag) <= 640) out.push({ start: s.start, end: s.end, feature: { $type: 'app.bsky.richtext.facet#tag', tag } })
    } else {
      const [, username = '', domain = ''] = /^@([^@]+)(?:@(.+))?$/.exec(s.text) ?? []
      const host = domain.toLowerCase() === localHost.toLowerCase() ? '' : domain.toLowerCase()
      const target = mentions.find((m) => m.username.toLowerCase() === username.toLowerCase() && m.domain.toLowerCase() === host)
      if (target === undefined) continue
      out.push({
        start: s.start,
        end: s.end,
        feature: target.did !== null ? { $type: 'app.bsky.richtext.facet#mention', did: target.did } : { $type: 'app.bsky.richtext.facet#link', uri: profileUrl(target, origin) },
      })
    }
  }
  return out
}

function shifted(spans: RichSpan[], by: number): RichSpan[] {
  return spans.map((s) => ({ ...s, start: s.start + by, end: s.end + by }))
}

/** The text a post shows: a content warning stays on top, since Bluesky has no field for one. */
function fullText(status: StatusRow, body: string, spans: RichSpan[]): Piece {
  const cw = status.spoiler_text.trim()
  if (cw === '') return { text: body, spans }
  const prefix = `CW: ${cw}\n\n`
  return { text: body === '' ? prefix.trimEnd() : prefix + body, spans: shifted(spans, prefix.length) }
}

/** `https://herd.example/@a/1` shown as `herd.example/@a/1`, linked. */
function linkPiece(url: string, before: string): Piece {
  const shown = url.replace(/^https?:\/\//, '')
  return { text: before + shown, spans: [{ start: before.length, end: before.length + shown.length, feature: { $type: 'app.bsky.richtext.facet#link', uri: url } }] }
}

interface Part {
  piece: Piece
  embed: Record<string, unknown> | null
}

/** The post's parts: one when it fits; otherwise cut or threaded, as the account chose. */
function partsOf(piece: Piece, mode: Bridge['longPosts'], postUrl: string, images: Record<string, unknown> | null, body: string): Part[] {
  if (fits(piece.text)) return [{ piece, embed: images }]
  if (mode === 'thread') return split(piece.text, piece.spans).map((p, i) => ({ piece: p, embed: i === 0 ? images : null }))
  // One embed per post: a card back to the original, unless there are images, which keep their
  // place and the link goes at the end of the text instead.
  if (images !== null) return [{ piece: truncate(piece.text, piece.spans, linkPiece(postUrl, '…\n')), embed: images }]
  const card = { $type: 'app.bsky.embed.external', external: { uri: postUrl, title: 'Read the full post', description: body } }
  return [{ piece: truncate(piece.text, piece.spans, { text: '…', spans: [] }), embed: card }]
}

function postRecord(status: StatusRow, part: Part, index: number, reply: { root: StrongRef; parent: StrongRef } | null): Record<string, unknown> {
  const facets: Facet[] = facetsOf(part.piece.text, part.piece.spans)
  const lang = status.language !== null && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(status.language) ? [status.language] : null
  // Parts of a thread a millisecond apart, so they sort in order.
  const createdAt = new Date(Date.parse(status.created_at) + index).toISOString()
  return {
    $type: POST,
    text: part.piece.text,
    ...(facets.length > 0 ? { facets } : {}),
    ...(lang ? { langs: lang } : {}),
    ...(status.sensitive === 1 ? { labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: SENSITIVE_LABEL }] } } : {}),
    ...(part.embed ? { embed: part.embed } : {}),
    ...(reply ? { reply } : {}),
    createdAt,
  }
}

/** The parent to reply to: null for a top-level post; 'skip' when the parent was not (and will not be) projected. */
async function replyTarget(db: Db, status: StatusRow): Promise<{ root: StrongRef; parent: StrongRef } | null | 'skip'> {
  if (status.in_reply_to_id === null) return null
  const parent = await db.selectFrom('statuses').select(['id', 'uri']).where('id', '=', status.in_reply_to_id).executeTakeFirst()
  if (parent === undefined) return 'skip'
  const ref = await postRef(db, parent.uri)
  if (ref !== null) return { root: ref.root, parent: ref.last }
  // Its projection is queued behind this one: try again later rather than post it out of its thread.
  if (await willProject(db, parent.id)) throw new ProjectionError(`parent ${parent.id} of ${status.id} is not projected yet`)
  return 'skip'
}

/**
 * Projects a status as it is now (a create and an update are the same): writes or updates its
 * records, or removes them when it is no longer something to project.
 */
export async function projectPost(env: ProjectionEnv, db: Db, bridge: Bridge, statusId: string): Promise<void> {
  const status = await db
    .selectFrom('statuses')
    .select(['id', 'uri', 'url', 'account_id', 'in_reply_to_id', 'reblog_of_id', 'text', 'spoiler_text', 'sensitive', 'language', 'visibility', 'created_at'])
    .where('id', '=', statusId)
    .where('local', '=', 1)
    .executeTakeFirst()
  // Gone already: its delete removes what was projected.
  if (status === undefined || status.account_id !== bridge.accountId || status.reblog_of_id !== null) return
  if (!projectedVisibility(status.visibility)) {
    await removeRecords(env, db, status.uri, bridge.accountId)
    return
  }
  const reply = await replyTarget(db, status)
  if (reply === 'skip') return

  const author = await db.selectFrom('accounts').select(['uri']).where('id', '=', bridge.accountId).executeTakeFirstOrThrow()
  const origin = new URL(author.uri).origin
  const body = (status.text ?? '').replace(/\r\n?/g, '\n').trim()
  const spans = richSpans(body, await mentionsOf(db, status.id), new URL(origin).host, origin)
  const media = await db
    .selectFrom('media_attachments')
    .select(['id', 'type', 'r2_key', 'content_type', 'size', 'width', 'height', 'description'])
    .where('status_id', '=', status.id)
    .orderBy('position')
    .execute()
  const images = await imagesEmbed(env, db, bridge, media as MediaRow[])
  const postUrl = status.url ?? status.uri
  const parts = partsOf(fullText(status, body, spans), bridge.longPosts, postUrl, images as Record<string, unknown> | null, body)
  if (parts.length === 1 && parts[0]?.piece.text === '' && images === null) {
    // Nothing Bluesky can show (say, only a video): not projected.
    if ((await mapped(db, status.uri)).length > 0) await removeRecords(env, db, status.uri, bridge.accountId)
    return
  }

  await syncRecords(env, db, bridge, { apId: status.uri, collection: POST, statusId: status.id }, parts.length, async (uris) => {
    const planned: Planned[] = []
    let root: StrongRef | null = reply?.root ?? null
    let previous: StrongRef | null = reply?.parent ?? null
    for (const [i, part] of parts.entries()) {
      const record = postRecord(status, part, i, root !== null && previous !== null ? { root, parent: previous } : null)
      const ref = { uri: uris[i] ?? '', cid: await recordCid(record) }
      if (root === null) root = ref
      previous = ref
      planned.push({ record, rootUri: root.uri, rootCid: root.cid })
    }
    return planned
  })
  // Deleted while this ran: its delete may have found nothing mapped yet, so remove what was written.
  if ((await db.selectFrom('statuses').select('id').where('id', '=', status.id).executeTakeFirst()) === undefined) {
    await removeRecords(env, db, status.uri, bridge.accountId)
  }
}
