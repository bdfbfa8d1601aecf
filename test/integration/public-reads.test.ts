import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
const T0 = Date.UTC(2026, 5, 1)
const sid = (n: number) => String(BigInt(T0 + n * 1000) << 16n)

// alice is local; bob is remote. Statuses 1..9 cover every visibility, a thread, a reblog, media, tags and a mention.
const S = {
  pub: sid(1),
  unlisted: sid(2),
  priv: sid(3),
  direct: sid(4),
  reply: sid(5),
  replyToReply: sid(6),
  privateReply: sid(7),
  reblog: sid(8),
  bobPub: sid(9),
}

beforeAll(async () => {
  stack = await startStack()
  const db = stack.db
  const status = (id: string, account: string, local: number, visibility: string, extra: Record<string, string | null> = {}) => {
    const cols = ['id', 'uri', 'account_id', 'local', 'visibility', 'content', ...Object.keys(extra)]
    const vals = [id, `https://h.example/s/${id}`, account, local, visibility, `<p>status ${id}</p>`, ...Object.values(extra)]
    return db.prepare(`INSERT INTO statuses (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).bind(...vals)
  }
  await db.batch([
    db.prepare("INSERT INTO accounts (id, username, domain, uri, display_name, note, created_at) VALUES ('100', 'alice', '', 'https://h.example/users/alice', 'Alice', '<p>hi</p>', '2026-05-01T10:11:12.000Z')"),
    db.prepare("INSERT INTO accounts (id, username, domain, uri, url) VALUES ('200', 'bob', 'remote.example', 'https://remote.example/users/bob', 'https://remote.example/@bob')"),
    status(S.pub, '100', 1, 'public'),
    status(S.unlisted, '100', 1, 'unlisted'),
    status(S.priv, '100', 1, 'private'),
    status(S.direct, '100', 1, 'direct'),
    status(S.reply, '200', 0, 'public', { in_reply_to_id: S.pub, in_reply_to_account_id: '100' }),
    status(S.replyToReply, '100', 1, 'public', { in_reply_to_id: S.reply, in_reply_to_account_id: '200' }),
    status(S.privateReply, '200', 0, 'private', { in_reply_to_id: S.pub, in_reply_to_account_id: '100' }),
    status(S.reblog, '200', 0, 'public', { reblog_of_id: S.pub }),
    status(S.bobPub, '200', 0, 'public'),
    db.prepare("INSERT INTO media_attachments (id, account_id, status_id, type, r2_key, content_type, width, height, description) VALUES ('900', '100', ?, 'image', 'alice/cat.png', 'image/png', 640, 480, 'A cat')").bind(S.pub),
    db.prepare("INSERT INTO tags (id, name) VALUES ('700', 'Sheep')"),
    db.prepare("INSERT INTO status_tags (tag_id, status_id) VALUES ('700', ?), ('700', ?), ('700', ?)").bind(S.pub, S.priv, S.bobPub),
    db.prepare("INSERT INTO status_mentions (status_id, account_id) VALUES (?, '200')").bind(S.pub),
  ])
})
afterAll(async () => {
  await stack.dispose()
})

async function get(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await stack.fetch(path)
  return { status: res.status, body: await res.json(), headers: res.headers }
}
const ids = (body: unknown) => (body as Array<{ id: string }>).map((s) => s.id)
const validStatuses = (body: unknown) => {
  for (const s of body as unknown[]) expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
}

describe('public timelines', () => {
  it('show public original posts only, newest first, in the Status shape', async () => {
    const { status, body, headers } = await get('/api/v1/timelines/public')
    expect(status).toBe(200)
    expect(ids(body)).toEqual([S.bobPub, S.replyToReply, S.reply, S.pub])
    validStatuses(body)
    expect(headers.get('link')).toContain(`max_id=${S.pub}>; rel="next"`)
    expect(headers.get('link')).toContain(`min_id=${S.bobPub}>; rel="prev"`)
  })

  it('render what a status carries: author, media, tags, mentions, counts', async () => {
    const { body } = await get(`/api/v1/statuses/${S.pub}`)
    const s = body as Record<string, unknown>
    expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
    expect(s).toMatchObject({
      id: S.pub,
      url: `${stack.url.origin}/@alice/${S.pub}`,
      visibility: 'public',
      replies_count: 2,
      reblogs_count: 1,
      favourites_count: 0,
      account: { id: '100', acct: 'alice', username: 'alice', url: `${stack.url.origin}/@alice`, statuses_count: 5, created_at: '2026-05-01T00:00:00.000Z' },
      tags: [{ name: 'sheep', url: `${stack.url.origin}/tags/sheep` }],
      mentions: [{ id: '200', username: 'bob', acct: 'bob@remote.example', url: 'https://remote.example/@bob' }],
    })
    expect((s.media_attachments as unknown[])[0]).toMatchObject({
      id: '900',
      type: 'image',
      url: `${stack.url.origin}/media/alice/cat.png`,
      description: 'A cat',
      meta: { original: { width: 640, height: 480, size: '640x480' } },
    })
  })

  it('filter by origin and by media', async () => {
    expect(ids((await get('/api/v1/timelines/public?local=true')).body)).toEqual([S.replyToReply, S.pub])
    expect(ids((await get('/api/v1/timelines/public?remote=true')).body)).toEqual([S.bobPub, S.reply])
    expect(ids((await get('/api/v1/timelines/public?only_media=true')).body)).toEqual([S.pub])
  })

  it('page with max_id and min_id, and end with an empty page and no Link', async () => {
    const first = await get('/api/v1/timelines/public?limit=2')
    expect(ids(first.body)).toEqual([S.bobPub, S.replyToReply])
    const next = await get(`/api/v1/timelines/public?limit=2&max_id=${S.replyToReply}`)
    expect(ids(next.body)).toEqual([S.reply, S.pub])
    const end = await get(`/api/v1/timelines/public?limit=2&max_id=${S.pub}`)
    expect(end.body).toEqual([])
    expect(end.headers.get('link')).toBeNull()
    const up = await get(`/api/v1/timelines/public?limit=2&min_id=${S.pub}`)
    expect(ids(up.body)).toEqual([S.replyToReply, S.reply])
  })

  it('a hashtag timeline matches case-insensitively and shows public posts only', async () => {
    const { body } = await get('/api/v1/timelines/tag/SHEEP')
    expect(ids(body)).toEqual([S.bobPub, S.pub])
    validStatuses(body)
    expect((await get('/api/v1/timelines/tag/sheep?local=true')).body).toHaveLength(1)
    expect((await get('/api/v1/timelines/tag/nosuchtag')).body).toEqual([])
  })

  it('refuse malformed paging with a 400', async () => {
    const { status, body } = await get('/api/v1/timelines/public?max_id=abc')
    expect(status).toBe(400)
    expect(body).toEqual({ error: 'max_id must be a status id' })
  })
})

describe('snapshots of media, tags and mentions', () => {
  it('follow every change to the tables they are built from', async () => {
    const extra = sid(50)
    await stack.db.batch([
      stack.db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES ('300', 'carol', '', 'https://h.example/users/carol')"),
      stack.db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility) VALUES (?, 'https://h.example/s/extra', '300', 1, 'unlisted')").bind(extra),
      stack.db.prepare("INSERT INTO media_attachments (id, account_id, status_id, type, r2_key, position) VALUES ('951', '300', ?, 'image', 'b.png', 1), ('950', '300', ?, 'image', 'a.png', 0)").bind(extra, extra),
      stack.db.prepare("INSERT INTO status_tags (tag_id, status_id) VALUES ('700', ?)").bind(extra),
      stack.db.prepare("INSERT INTO status_mentions (status_id, account_id) VALUES (?, '200')").bind(extra),
    ])
    const read = async () => (await get(`/api/v1/statuses/${extra}`)).body as { media_attachments: Array<{ id: string; description: string | null }>; tags: unknown[]; mentions: unknown[] }
    let s = await read()
    expect(s.media_attachments.map((m) => m.id)).toEqual(['950', '951'])
    expect(s.tags).toHaveLength(1)
    expect(s.mentions).toHaveLength(1)
    await stack.db.batch([
      stack.db.prepare("UPDATE media_attachments SET description = 'Now described' WHERE id = '951'"),
      stack.db.prepare("DELETE FROM media_attachments WHERE id = '950'"),
      stack.db.prepare('DELETE FROM status_tags WHERE status_id = ?').bind(extra),
      stack.db.prepare('DELETE FROM status_mentions WHERE status_id = ?').bind(extra),
    ])
    s = await read()
    expect(s.media_attachments).toEqual([expect.objectContaining({ id: '951', description: 'Now described' })])
    expect(s.tags).toEqual([])
    expect(s.mentions).toEqual([])
    // Moving an attachment to another status updates both.
    await stack.db.prepare("UPDATE media_attachments SET status_id = ? WHERE id = '951'").bind(S.bobPub).run()
    expect((await read()).media_attachments).toEqual([])
    expect(((await get(`/api/v1/statuses/${S.bobPub}`)).body as { media_attachments: unknown[] }).media_attachments).toHaveLength(1)
  })
})

describe('statuses', () => {
  it('an unlisted status can be read by link; private and direct ones cannot', async () => {
    expect((await get(`/api/v1/statuses/${S.unlisted}`)).status).toBe(200)
    for (const id of [S.priv, S.direct, '1', 'nope']) {
      const { status, body } = await get(`/api/v1/statuses/${id}`)
      expect([id, status, body]).toEqual([id, 404, { error: 'Record not found' }])
    }
  })

  it('a reblog carries the original, with empty content of its own', async () => {
    const { body } = await get(`/api/v1/accounts/200/statuses`)
    const reblog = (body as Array<Record<string, unknown>>).find((s) => s.id === S.reblog) as Record<string, unknown>
    expect(reblog.content).toBe('')
    expect((reblog.reblog as { id: string }).id).toBe(S.pub)
  })

  it('context gives ancestors oldest first and descendants in thread order, leaving out private replies', async () => {
    const { body } = await get(`/api/v1/statuses/${S.replyToReply}/context`)
    expect(schemaErrors(mastodonValidator('Context'), body)).toEqual([])
    const ctx = body as { ancestors: Array<{ id: string }>; descendants: Array<{ id: string }> }
    expect(ctx.ancestors.map((s) => s.id)).toEqual([S.pub, S.reply])
    expect(ctx.descendants).toEqual([])
    const root = (await get(`/api/v1/statuses/${S.pub}/context`)).body as typeof ctx
    expect(root.descendants.map((s) => s.id)).toEqual([S.reply, S.replyToReply])
    expect((await get(`/api/v1/statuses/${S.priv}/context`)).status).toBe(404)
  })

  it('answers other methods with 405', async () => {
    const res = await stack.fetch(`/api/v1/statuses/${S.pub}`, { method: 'PATCH' })
    expect(res.status).toBe(405)
  })
})

describe('accounts', () => {
  it('an account matches the Account schema, with counts kept by triggers', async () => {
    const { status, body } = await get('/api/v1/accounts/200')
    expect(status).toBe(200)
    expect(schemaErrors(mastodonValidator('Account'), body)).toEqual([])
    expect(body).toMatchObject({ id: '200', acct: 'bob@remote.example', url: 'https://remote.example/@bob', statuses_count: 4, avatar: `${stack.url.origin}/avatars/original/missing.png` })
    expect((await get('/api/v1/accounts/999')).status).toBe(404)
  })

  it("the default avatar it points at is served", async () => {
    const res = await stack.fetch('/avatars/original/missing.png')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
  })

  it('account statuses honour visibility and the filters clients use', async () => {
    expect(ids((await get('/api/v1/accounts/100/statuses')).body)).toEqual([S.replyToReply, S.unlisted, S.pub])
    expect(ids((await get('/api/v1/accounts/100/statuses?exclude_replies=true')).body)).toEqual([S.unlisted, S.pub])
    expect(ids((await get('/api/v1/accounts/200/statuses?exclude_reblogs=true')).body)).toEqual([S.bobPub, S.reply])
    expect(ids((await get('/api/v1/accounts/100/statuses?only_media=true')).body)).toEqual([S.pub])
    expect(ids((await get('/api/v1/accounts/100/statuses?tagged=sheep')).body)).toEqual([S.pub])
    expect((await get('/api/v1/accounts/100/statuses?pinned=true')).body).toEqual([])
    expect((await get('/api/v1/accounts/999/statuses')).status).toBe(404)
  })
})

describe('cost', () => {
  it('a public timeline page reads rows bounded by its size, not by history', async () => {
    await stack.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
         INSERT INTO statuses (id, uri, account_id, local, visibility) SELECT printf('%d', (${T0 + 100_000} + i * 1000) * 65536), 'https://h.example/bulk/' || i, CASE WHEN i % 2 = 0 THEN '100' ELSE '200' END, 1 - i % 2, CASE WHEN i % 3 = 0 THEN 'private' ELSE 'public' END FROM n`,
      )
      .run()
    for (const path of ['/api/v1/timelines/public?limit=20', '/api/v1/timelines/public?limit=40', '/api/v1/accounts/100/statuses?limit=20']) {
      const { headers, body } = await get(path)
      const limit = Number(new URL(path, 'http://x').searchParams.get('limit'))
      expect((body as unknown[]).length).toBe(limit)
      const rows = Number(headers.get('x-herd-d1-rows-read'))
      expect([path, rows <= 5 * limit]).toEqual([path, true])
    }
  })
})
