import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { apiClient, people, rowCounts, type Api } from '../helpers/api'
import { registeredUserToken } from '../helpers/auth'

let stack: Stack
let alice: Api
let bob: Api
let carol: Api
let anon: Api
let aliceId: string
let aliceToken: string
let carolToken: string
let bobId: string
let carolId: string
const valid = (body: unknown) => expect(schemaErrors(mastodonValidator('Status'), body)).toEqual([])

beforeAll(async () => {
  stack = await startStack()
  const team = await people(stack, 'bob', 'carol')
  alice = team.alice.api
  aliceId = team.alice.id
  aliceToken = team.alice.token
  bob = team.others[0].api
  bobId = team.others[0].id
  carol = team.others[1].api
  carolId = team.others[1].id
  carolToken = team.others[1].token
  anon = team.anon
  // bob follows alice (and asked to be notified of her posts); a remote account is known.
  await stack.db.batch([
    stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, notify) VALUES ('9001', ?, ?, 1)").bind(bobId, aliceId),
    stack.db.prepare("INSERT INTO accounts (id, username, domain, uri, url) VALUES ('7001', 'dana', 'remote.example', 'https://remote.example/users/dana', 'https://remote.example/@dana')"),
    stack.db.prepare("INSERT INTO media_attachments (id, account_id, type, r2_key, content_type, width, height) VALUES ('8001', ?, 'image', 'a/1.png', 'image/png', 10, 20), ('8002', ?, 'image', 'a/2.png', 'image/png', 10, 20), ('8003', ?, 'image', 'b/1.png', 'image/png', 1, 1)").bind(aliceId, aliceId, bobId),
  ])
})
afterAll(async () => {
  await stack.dispose()
})

describe('POST /api/v1/statuses', () => {
  it('renders plain text to HTML with links, mentions and hashtags, and stores the source', async () => {
    const text = 'Hello @bob and @dana@remote.example, see https://example.com/a_very_long_path/that/goes/on/and/on #Sheep #wool @nobody'
    const { status, body } = await alice('POST', '/api/v1/statuses', { status: text, language: 'en' })
    expect(status).toBe(200)
    valid(body)
    expect(body.uri).toBe(`${stack.url.origin}/users/alice/statuses/${body.id}`)
    expect(body.url).toBe(`${stack.url.origin}/@alice/${body.id}`)
    expect(body.content).toContain(`href="${stack.url.origin}/@bob" class="u-url mention"`)
    expect(body.content).toContain('href="https://remote.example/@dana"')
    expect(body.content).toContain(`href="${stack.url.origin}/tags/sheep"`)
    expect(body.content).toContain('href="https://example.com/a_very_long_path/that/goes/on/and/on"')
    expect(body.content).toContain('@nobody')
    expect(body.mentions.map((m: { acct: string }) => m.acct).sort()).toEqual(['bob', 'dana@remote.example'])
    expect(body.tags.map((t: { name: string }) => t.name).sort()).toEqual(['sheep', 'wool'])
    expect(body).toMatchObject({ visibility: 'public', language: 'en', sensitive: false, favourited: false, reblogged: false, bookmarked: false, pinned: false, muted: false })
    const row = await stack.db.prepare('SELECT text, local FROM statuses WHERE id = ?').bind(body.id).first()
    expect(row).toEqual({ text, local: 1 })
    // bob follows alice: the post is in his home timeline at once, and he is notified of the mention.
    const home = await bob('GET', '/api/v1/timelines/home')
    expect(home.body.map((s: { id: string }) => s.id)).toContain(body.id)
    const notes = await stack.db.prepare('SELECT type FROM notifications WHERE account_id = ? AND status_id = ? ORDER BY type').bind(bobId, body.id).all()
    expect(notes.results.map((n) => n.type)).toEqual(['mention', 'status'])
  })

  it('upserts tags case-insensitively', async () => {
    await alice('POST', '/api/v1/statuses', { status: '#SHEEP again' })
    const tags = await stack.db.prepare("SELECT name FROM tags WHERE name = 'sheep' COLLATE NOCASE").all()
    expect(tags.results).toHaveLength(1)
    const timeline = await anon('GET', '/api/v1/timelines/tag/sheep')
    expect(timeline.body).toHaveLength(2)
  })

  it('defaults visibility and language from the user, accepts form bodies, and marks a content warning sensitive', async () => {
    await stack.db.prepare("UPDATE users SET privacy = 'unlisted', language = 'de' WHERE account_id = ?").bind(carolId).run()
    const res = await stack.fetch('/api/v1/statuses', {
      method: 'POST',
      headers: { Authorization: `Bearer ${carolToken}` },
      body: new URLSearchParams({ status: 'form post', spoiler_text: 'cw' }),
    })
    const body = (await res.json()) as Record<string, unknown>
    expect(res.status).toBe(200)
    valid(body)
    expect(body).toMatchObject({ visibility: 'unlisted', language: 'de', spoiler_text: 'cw', sensitive: true })
  })

  it('attaches own unused media in order', async () => {
    const { status, body } = await alice('POST', '/api/v1/statuses', { status: '', media_ids: ['8002', '8001'] })
    expect(status).toBe(200)
    valid(body)
    expect(body.media_attachments.map((m: { id: string }) => m.id)).toEqual(['8002', '8001'])
    // Used media cannot be attached again.
    const again = await alice('POST', '/api/v1/statuses', { status: 'x', media_ids: ['8001'] })
    expect(again.status).toBe(422)
  })

  it('replies to visible statuses, setting the account replied to', async () => {
    const parent = await bob('POST', '/api/v1/statuses', { status: 'parent' })
    const reply = await alice('POST', '/api/v1/statuses', { status: '@bob reply', in_reply_to_id: parent.body.id })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ in_reply_to_id: parent.body.id, in_reply_to_account_id: bobId })
    const hidden = await bob('POST', '/api/v1/statuses', { status: 'secret', visibility: 'direct' })
    const before = await rowCounts(stack.db)
    expect((await alice('POST', '/api/v1/statuses', { status: 'reply', in_reply_to_id: hidden.body.id })).status).toBe(404)
    expect(await rowCounts(stack.db)).toEqual(before)
  })

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await rowCounts(stack.db)
    const cases: Array<[unknown, number]> = [
      [{ status: '' }, 422],
      [{ status: '   ' }, 422],
      [{ status: 'x'.repeat(501) }, 422],
      [{ status: 'ok', media_ids: ['8003'] }, 422], // bob's media
      [{ status: 'ok', media_ids: ['424242'] }, 422],
      [{ status: 'ok', media_ids: ['1', '2', '3', '4', '5'] }, 422],
      [{ status: 'ok', media_ids: [{}] }, 422],
      [{ status: 'ok', visibility: 'everyone' }, 422],
      [{ status: { text: 'x' } }, 422],
      [{ status: 'ok', sensitive: 'maybe' }, 422],
      [{ status: 'ok', poll: { options: ['a'], expires_in: 600 } }, 422],
      [{ status: 'ok', media_ids: ['8001'], poll: { options: ['a', 'b'], expires_in: 600 } }, 422],
      [{ status: 'ok', in_reply_to_id: '123' }, 404],
    ]
    for (const [payload, code] of cases) {
      const res = await alice('POST', '/api/v1/statuses', payload)
      expect([JSON.stringify(payload), res.status]).toEqual([JSON.stringify(payload), code])
      expect(typeof res.body.error).toBe('string')
    }
    const malformed = await stack.fetch('/api/v1/statuses', { method: 'POST', headers: { Authorization: `Bearer ${aliceToken}`, 'Content-Type': 'application/json' }, body: '{' })
    expect(malformed.status).toBe(400)
    expect(await rowCounts(stack.db)).toEqual(before)
  })

  it('counts characters as Mastodon does: a URL is 23, a remote mention only its username', async () => {
    const url = `https://example.com/${'p'.repeat(200)}`
    const ok = await alice('POST', '/api/v1/statuses', { status: `${'a'.repeat(476)} ${url}` })
    expect(ok.status).toBe(200)
    const tooLong = await alice('POST', '/api/v1/statuses', { status: `${'a'.repeat(477)} ${url}` })
    expect(tooLong.status).toBe(422)
    const mention = await alice('POST', '/api/v1/statuses', { status: `@dana@remote.example ${'a'.repeat(494)}` })
    expect(mention.status).toBe(200)
    const emoji = await alice('POST', '/api/v1/statuses', { status: '👩‍👩‍👧‍👦'.repeat(500) })
    expect(emoji.status).toBe(200)
  })

  it('returns the first status for a repeated Idempotency-Key from the same account', async () => {
    const first = await alice('POST', '/api/v1/statuses', { status: 'once' }, { 'Idempotency-Key': 'k-1' })
    const before = await rowCounts(stack.db)
    const second = await alice('POST', '/api/v1/statuses', { status: 'once' }, { 'Idempotency-Key': 'k-1' })
    expect(second.status).toBe(200)
    expect(second.body.id).toBe(first.body.id)
    expect(await rowCounts(stack.db)).toEqual(before)
    // Another account with the same key posts its own.
    const other = await bob('POST', '/api/v1/statuses', { status: 'once' }, { 'Idempotency-Key': 'k-1' })
    expect(other.body.id).not.toBe(first.body.id)
    // Sent twice at once: one status.
    const [x, y] = await Promise.all([1, 2].map(() => alice('POST', '/api/v1/statuses', { status: 'racing' }, { 'Idempotency-Key': 'k-race' })))
    expect([x?.status, y?.status]).toEqual([200, 200])
    expect(x?.body.id).toBe(y?.body.id)
    // After an hour the key may be used again, as in Mastodon.
    await stack.db.prepare("UPDATE idempotency_keys SET created_at = '2020-01-01T00:00:00.000Z' WHERE key = 'k-1' AND account_id = ?").bind(aliceId).run()
    const later = await alice('POST', '/api/v1/statuses', { status: 'once more' }, { 'Idempotency-Key': 'k-1' })
    expect(later.status).toBe(200)
    expect(later.body.id).not.toBe(first.body.id)
  })

  it('needs a signed-in person with write:statuses', async () => {
    expect((await anon('POST', '/api/v1/statuses', { status: 'x' })).status).toBe(401)
    const readOnly = await registeredUserToken(stack, 'reader', 'read')
    expect((await apiClient(stack, readOnly.token)('POST', '/api/v1/statuses', { status: 'x' })).status).toBe(403)
  })
})

describe('visibility when posting', () => {
  it('fans out direct posts to mentioned local accounts only, and skips followers who block or mute', async () => {
    const dm = await alice('POST', '/api/v1/statuses', { status: '@carol psst', visibility: 'direct' })
    expect(dm.status).toBe(200)
    const carolHome = await carol('GET', '/api/v1/timelines/home')
    expect(carolHome.body.map((s: { id: string }) => s.id)).toContain(dm.body.id)
    const bobHome = await bob('GET', '/api/v1/timelines/home')
    expect(bobHome.body.map((s: { id: string }) => s.id)).not.toContain(dm.body.id)
    expect((await bob('GET', `/api/v1/statuses/${dm.body.id}`)).status).toBe(404)
    expect((await carol('GET', `/api/v1/statuses/${dm.body.id}`)).status).toBe(200)
    expect((await anon('GET', `/api/v1/statuses/${dm.body.id}`)).status).toBe(404)

    await stack.db.prepare("INSERT INTO mutes (id, account_id, target_account_id) VALUES ('9100', ?, ?)").bind(bobId, aliceId).run()
    const muted = await alice('POST', '/api/v1/statuses', { status: 'while muted' })
    expect((await bob('GET', '/api/v1/timelines/home')).body.map((s: { id: string }) => s.id)).not.toContain(muted.body.id)
    await stack.db.prepare("DELETE FROM mutes WHERE id = '9100'").run()
  })

  it('shows followers-only posts to followers, the mentioned and the author', async () => {
    const priv = await alice('POST', '/api/v1/statuses', { status: 'followers only', visibility: 'private' })
    expect((await alice('GET', `/api/v1/statuses/${priv.body.id}`)).status).toBe(200)
    expect((await bob('GET', `/api/v1/statuses/${priv.body.id}`)).status).toBe(200)
    expect((await carol('GET', `/api/v1/statuses/${priv.body.id}`)).status).toBe(404)
    expect((await anon('GET', `/api/v1/statuses/${priv.body.id}`)).status).toBe(404)
    const many = await carol('GET', `/api/v1/statuses?id[]=${priv.body.id}&id[]=${(await alice('POST', '/api/v1/statuses', { status: 'pub' })).body.id}`)
    expect(many.status).toBe(200)
    expect(many.body).toHaveLength(1)
    const both = await bob('GET', `/api/v1/statuses?id[]=${priv.body.id}`)
    expect(both.body.map((s: { id: string }) => s.id)).toEqual([priv.body.id])
    for (const s of both.body) valid(s)
  })
})

