// Scheduled statuses: stored through POST /api/v1/statuses with scheduled_at, listed and changed through
// /api/v1/scheduled_statuses, and published by the consumer's Cron Trigger through the normal posting path.
import { eventually, runCron, startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { linkPath, people, rowCounts, type Api } from '../helpers/api'

let stack: Stack
let alice: Api
let bob: Api
let aliceId: string
let bobId: string
const validScheduled = (body: unknown) => expect(schemaErrors(mastodonValidator('ScheduledStatus'), body)).toEqual([])
const validStatus = (body: unknown) => expect(schemaErrors(mastodonValidator('Status'), body)).toEqual([])
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString()

/** Time passes: the scheduled status is due now. */
async function makeDue(id: string): Promise<void> {
  await stack.db.prepare('UPDATE scheduled_statuses SET scheduled_at = ? WHERE id = ?').bind(new Date(Date.now() - 1000).toISOString(), id).run()
}

beforeAll(async () => {
  stack = await startStack()
  const team = await people(stack, 'bob')
  alice = team.alice.api
  aliceId = team.alice.id
  bob = team.others[0].api
  bobId = team.others[0].id
  // bob follows alice and asked to be told when she posts.
  await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id, notify) VALUES ('9001', ?, ?, 1)").bind(bobId, aliceId).run()
  await stack.db
    .prepare("INSERT INTO media_attachments (id, account_id, type, r2_key, content_type, width, height) VALUES ('8001', ?, 'image', 'a/1.png', 'image/png', 10, 20), ('8002', ?, 'image', 'a/2.png', 'image/png', 10, 20)")
    .bind(aliceId, aliceId)
    .run()
}, 120_000)
afterAll(async () => {
  await stack.dispose()
})

describe('scheduling', () => {
  it('stores a ScheduledStatus instead of posting, with its media held for it', async () => {
    const at = inMinutes(60)
    const res = await alice('POST', '/api/v1/statuses', { status: 'later, with a picture', scheduled_at: at, media_ids: ['8001'], visibility: 'unlisted', spoiler_text: 'cw' })
    expect(res.status).toBe(200)
    validScheduled(res.body)
    expect(res.body).toMatchObject({ scheduled_at: at, params: { text: 'later, with a picture', visibility: 'unlisted', media_ids: ['8001'], spoiler_text: 'cw', poll: null } })
    expect(res.body.media_attachments.map((m: { id: string }) => m.id)).toEqual(['8001'])
    expect(await stack.db.prepare('SELECT count(*) AS n FROM statuses WHERE account_id = ?').bind(aliceId).first('n')).toBe(0)
    // The media is not free any more: another post cannot take it.
    const other = await alice('POST', '/api/v1/statuses', { status: 'steal', media_ids: ['8001'] })
    expect(other.status).toBe(422)
    const read = await alice('GET', `/api/v1/scheduled_statuses/${res.body.id}`)
    expect(read.body).toEqual(res.body)
    // Not bob's to see.
    expect((await bob('GET', `/api/v1/scheduled_statuses/${res.body.id}`)).status).toBe(404)
  })

  it('checks the post as if it were sent now, and the time: 4xx with an error, nothing written', async () => {
    const before = await rowCounts(stack.db)
    const scheduledBefore = await stack.db.prepare('SELECT count(*) AS n FROM scheduled_statuses').first('n')
    const cases: Array<[unknown, number]> = [
      [{ status: 'soon', scheduled_at: inMinutes(2) }, 422],
      [{ status: 'past', scheduled_at: inMinutes(-10) }, 422],
      [{ status: 'bad', scheduled_at: 'tomorrow' }, 422],
      [{ status: 'bad', scheduled_at: 12345 }, 422],
      [{ status: '', scheduled_at: inMinutes(30) }, 422],
      [{ status: 'x'.repeat(501), scheduled_at: inMinutes(30) }, 422],
      [{ status: 'held media', media_ids: ['8001'], scheduled_at: inMinutes(30) }, 422],
      [{ status: 'poll', poll: { options: ['only'], expires_in: 600 }, scheduled_at: inMinutes(30) }, 422],
      [{ status: 'reply', in_reply_to_id: '123', scheduled_at: inMinutes(30) }, 404],
    ]
    for (const [payload, code] of cases) {
      const res = await alice('POST', '/api/v1/statuses', payload)
      expect([JSON.stringify(payload), res.status]).toEqual([JSON.stringify(payload), code])
      expect(typeof res.body.error).toBe('string')
    }
    expect(await rowCounts(stack.db)).toEqual(before)
    expect(await stack.db.prepare('SELECT count(*) AS n FROM scheduled_statuses').first('n')).toBe(scheduledBefore)
  })

  it('schedules once per Idempotency-Key', async () => {
    const body = { status: 'same key', scheduled_at: inMinutes(90) }
    const first = await alice('POST', '/api/v1/statuses', body, { 'Idempotency-Key': 'sched-1' })
    const again = await alice('POST', '/api/v1/statuses', body, { 'Idempotency-Key': 'sched-1' })
    expect(again.body.id).toBe(first.body.id)
    expect(first.body.params.idempotency).toBe('sched-1')
    expect(await stack.db.prepare("SELECT count(*) AS n FROM scheduled_statuses WHERE idempotency_key = 'sched-1'").first('n')).toBe(1)
  })

  it('lists with Link paging, changes the time with PUT, and frees media on DELETE', async () => {
    const made: string[] = []
    for (let i = 0; i < 3; i++) made.push((await alice('POST', '/api/v1/statuses', { status: `page ${i}`, scheduled_at: inMinutes(120 + i) })).body.id)
    const page = await alice('GET', '/api/v1/scheduled_statuses?limit=2')
    expect(page.status).toBe(200)
    for (const s of page.body) validScheduled(s)
    expect(page.body.map((s: { id: string }) => s.id)).toEqual([made[2], made[1]])
    const next = await alice('GET', linkPath(page.headers, 'next') ?? '')
    expect(next.body[0].id).toBe(made[0])
    expect((await bob('GET', '/api/v1/scheduled_statuses')).body).toEqual([])

    const later = inMinutes(240)
    const put = await alice('PUT', `/api/v1/scheduled_statuses/${made[0]}`, { scheduled_at: later })
    expect(put.status).toBe(200)
    expect(put.body.scheduled_at).toBe(later)
    expect((await alice('PUT', `/api/v1/scheduled_statuses/${made[0]}`, { scheduled_at: inMinutes(1) })).status).toBe(422)
    expect((await bob('PUT', `/api/v1/scheduled_statuses/${made[0]}`, { scheduled_at: later })).status).toBe(404)

    const withMedia = await alice('POST', '/api/v1/statuses', { status: 'to cancel', media_ids: ['8002'], scheduled_at: inMinutes(30) })
    expect((await bob('DELETE', `/api/v1/scheduled_statuses/${withMedia.body.id}`)).status).toBe(404)
    const del = await alice('DELETE', `/api/v1/scheduled_statuses/${withMedia.body.id}`)
    expect(del.status).toBe(200)
    expect(del.body).toEqual({})
    expect((await alice('GET', `/api/v1/scheduled_statuses/${withMedia.body.id}`)).status).toBe(404)
    // The media can be used again.
    expect((await alice('POST', '/api/v1/statuses', { status: 'now with it', media_ids: ['8002'] })).status).toBe(200)
  })
})

describe('limits', () => {
  it('refuses more than 25 on one day and more than 300 in all, as Mastodon does', async () => {
    const fill = (accountId: string, n: number, day: (i: number) => string, prefix: string) =>
      stack.db
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})
           INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params) SELECT printf('${prefix}%03d', i), ?, ${day(0)}, '{"text":"filler","visibility":"public"}' FROM n`,
        )
        .bind(accountId)
        .run()
    await fill(aliceId, 25, () => "'2098-06-01T10:00:00.000Z'", '1000')
    const sameDay = await alice('POST', '/api/v1/statuses', { status: 'one too many', scheduled_at: '2098-06-01T12:00:00.000Z' })
    expect(sameDay.status).toBe(422)
    expect(sameDay.body.error).toMatch(/same day/)
    const nextDay = await alice('POST', '/api/v1/statuses', { status: 'the day after', scheduled_at: '2098-06-02T12:00:00.000Z' })
    expect(nextDay.status).toBe(200)
    // Moving one onto the full day is refused too.
    expect((await alice('PUT', `/api/v1/scheduled_statuses/${nextDay.body.id}`, { scheduled_at: '2098-06-01T13:00:00.000Z' })).status).toBe(422)
    await stack.db.prepare("DELETE FROM scheduled_statuses WHERE params LIKE '%filler%'").run()

    await fill(bobId, 300, () => "strftime('%Y-%m-%dT%H:%M:%fZ', '2097-01-01', '+' || i || ' days')", '2000')
    const tooMany = await bob('POST', '/api/v1/statuses', { status: 'number 301', scheduled_at: inMinutes(60) })
    expect(tooMany.status).toBe(422)
    expect(tooMany.body.error).toMatch(/300/)
    await stack.db.prepare("DELETE FROM scheduled_statuses WHERE params LIKE '%filler%'").run()
  })
})

describe('the cron handler', () => {
  it('a scheduled post is published by the cron handler', async () => {
    const scheduled = await alice('POST', '/api/v1/statuses', {
      status: 'published by cron #later',
      scheduled_at: inMinutes(10),
      poll: { options: ['yes', 'no'], expires_in: 3600 },
      language: 'en',
    })
    expect(scheduled.status).toBe(200)
    expect(scheduled.body.params.poll).toEqual({ options: ['yes', 'no'], expires_in: 3600, multiple: false, hide_totals: false })
    // Not due yet: a cron run leaves it alone.
    await runCron(stack)
    expect((await alice('GET', `/api/v1/scheduled_statuses/${scheduled.body.id}`)).status).toBe(200)

    await makeDue(scheduled.body.id)
    await runCron(stack)
    expect((await alice('GET', `/api/v1/scheduled_statuses/${scheduled.body.id}`)).status).toBe(404)
    const mine = await alice('GET', `/api/v1/accounts/${aliceId}/statuses`)
    const post = mine.body.find((s: { content: string }) => s.content.includes('published by cron'))
    expect(post).toBeDefined()
    validStatus(post)
    expect(post.language).toBe('en')
    expect(post.poll).toMatchObject({ options: [{ title: 'yes' }, { title: 'no' }], expired: false })
    // The normal posting path: bob's home timeline and his "alice posted" notification.
    const home = await bob('GET', '/api/v1/timelines/home')
    expect(home.body.map((s: { id: string }) => s.id)).toContain(post.id)
    await eventually(async () => (await bob('GET', '/api/v1/notifications?types[]=status')).body.some((n: { status?: { id: string } }) => n.status?.id === post.id), 'the status notification')

    // A retried run (or one overlapping it) publishes nothing again.
    await runCron(stack)
    const count = await stack.db.prepare("SELECT count(*) AS n FROM statuses WHERE text = 'published by cron #later'").first('n')
    expect(count).toBe(1)
  })

  it('publishes held media with the post, and never twice when runs overlap', async () => {
    await stack.db
      .prepare("INSERT INTO media_attachments (id, account_id, type, r2_key, content_type, width, height) VALUES ('8101', ?, 'image', 'c/1.png', 'image/png', 5, 5)")
      .bind(aliceId)
      .run()
    const ids: string[] = []
    ids.push((await alice('POST', '/api/v1/statuses', { status: 'overlap with media', media_ids: ['8101'], scheduled_at: inMinutes(10) })).body.id)
    for (let i = 0; i < 3; i++) ids.push((await alice('POST', '/api/v1/statuses', { status: `overlap ${i}`, scheduled_at: inMinutes(10) })).body.id)
    for (const id of ids) await makeDue(id)
    // Three runs at once, as when a run is slow and the next minute's starts.
    await Promise.all([runCron(stack), runCron(stack), runCron(stack)])
    const rows = await stack.db.prepare("SELECT text, count(*) AS n FROM statuses WHERE text LIKE 'overlap%' GROUP BY text ORDER BY text").all()
    expect(rows.results).toEqual([
      { text: 'overlap 0', n: 1 },
      { text: 'overlap 1', n: 1 },
      { text: 'overlap 2', n: 1 },
      { text: 'overlap with media', n: 1 },
    ])
    const media = await stack.db.prepare("SELECT s.text, m.scheduled_status_id FROM media_attachments m JOIN statuses s ON s.id = m.status_id WHERE m.id = '8101'").first()
    expect(media).toEqual({ text: 'overlap with media', scheduled_status_id: null })
    expect(await stack.db.prepare("SELECT count(*) AS n FROM scheduled_statuses WHERE params LIKE '%overlap%'").first('n')).toBe(0)
  })

  it('is not reachable over HTTP when deployed: the local launcher\'s /dev/cron is a 404 without HERD_DEV_CRON', async () => {
    const res = await stack.fetch('/dev/cron', { method: 'POST' })
    expect(res.status).toBe(404)
  })

  it('drops a post that can no longer be published, without a 500 or a partial write', async () => {
    const target = await alice('POST', '/api/v1/statuses', { status: 'to be deleted' })
    const reply = await alice('POST', '/api/v1/statuses', { status: 'a reply to something gone', in_reply_to_id: target.body.id, scheduled_at: inMinutes(10) })
    expect(reply.status).toBe(200)
    await alice('DELETE', `/api/v1/statuses/${target.body.id}`)
    await makeDue(reply.body.id)
    await runCron(stack)
    expect((await alice('GET', `/api/v1/scheduled_statuses/${reply.body.id}`)).status).toBe(404)
    expect(await stack.db.prepare("SELECT count(*) AS n FROM statuses WHERE text = 'a reply to something gone'").first('n')).toBe(0)
  })
})
