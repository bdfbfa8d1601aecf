// Polls: created with a status, rendered on it with the viewer's votes, voted on through the API (concurrently
// too), closed by the consumer's cron handler with `poll` notifications, and federated between two Herd
// instances as ActivityPub Questions, votes and Updates.
import { eventually, freePort, runCron, startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { apiClient, people, rowCounts, type Api } from '../helpers/api'
import { userToken } from '../helpers/auth'

let a: Stack
let b: Stack
let alice: Api
let bob: Api
let carol: Api
let dave: Api
let anon: Api
let aliceId: string
let bobId: string
let carolId: string
let daveId: string
let aliceToken: string
const validStatus = (body: unknown) => expect(schemaErrors(mastodonValidator('Status'), body)).toEqual([])
const validPoll = (body: unknown) => expect(schemaErrors(mastodonValidator('Poll'), body)).toEqual([])

/** Time passes: the poll has ended. */
async function endPoll(stack: Stack, pollId: string): Promise<void> {
  await stack.db.prepare('UPDATE polls SET expires_at = ? WHERE id = ?').bind(new Date(Date.now() - 1000).toISOString(), pollId).run()
}

async function postPoll(api: Api, poll: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/v1/statuses', { status: 'Which one?', poll: { expires_in: 3600, ...poll }, ...extra })
  expect(res.status).toBe(200)
  return res.body
}

beforeAll(async () => {
  for (let attempt = 1; ; attempt++) {
    const [pa, pb] = [await freePort(), await freePort()]
    const allow = `127.0.0.1:${pa},127.0.0.1:${pb}`
    try {
      a = await startStack({ port: pa, bindings: { HERD_DEV_ALLOW_HOSTS: allow } })
      b = await startStack({ port: pb, bindings: { HERD_DEV_ALLOW_HOSTS: allow } })
      break
    } catch (err) {
      await Promise.all([a?.dispose().catch(() => undefined), b?.dispose().catch(() => undefined)])
      // Another test file's workerd took a port between freePort and the start.
      if (attempt >= 3 || !/ADDRESS_IN_USE|Address already in use/i.test(String(err))) throw err
    }
  }
  const team = await people(a, 'bob', 'carol', 'dave')
  alice = team.alice.api
  aliceId = team.alice.id
  aliceToken = team.alice.token
  ;[bob, carol, dave] = team.others.map((p) => p.api) as [Api, Api, Api]
  ;[bobId, carolId, daveId] = team.others.map((p) => p.id) as [string, string, string]
  anon = team.anon
  await a.db
    .prepare("INSERT INTO media_attachments (id, account_id, type, r2_key, content_type, width, height) VALUES ('8001', ?, 'image', 'a/1.png', 'image/png', 10, 20)")
    .bind(aliceId)
    .run()
}, 240_000)
afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()])
})

describe('creating a poll', () => {
  it('attaches a poll to a new status (JSON), shown wherever the status is', async () => {
    const status = await postPoll(alice, { options: ['Hay', 'Clover', 'Oats'], multiple: true })
    validStatus(status)
    validPoll(status.poll)
    expect(status.poll).toMatchObject({
      expired: false,
      multiple: true,
      votes_count: 0,
      voters_count: 0,
      options: [
        { title: 'Hay', votes_count: 0 },
        { title: 'Clover', votes_count: 0 },
        { title: 'Oats', votes_count: 0 },
      ],
      emojis: [],
      voted: true,
      own_votes: [],
    })
    const ends = Date.parse(status.poll.expires_at) - Date.parse(status.created_at)
    expect(ends).toBeGreaterThanOrEqual(3599_000)
    expect(ends).toBeLessThanOrEqual(3601_000)
    // The same poll in a timeline, on the status, and to a signed-out visitor (no viewer fields).
    const seen = await anon('GET', `/api/v1/statuses/${status.id}`)
    expect(seen.body.poll.id).toBe(status.poll.id)
    expect(seen.body.poll).not.toHaveProperty('voted')
    const timeline = await bob('GET', '/api/v1/timelines/public')
    expect(timeline.body.find((s: { id: string }) => s.id === status.id).poll).toMatchObject({ id: status.poll.id, voted: false, own_votes: [] })
  })

  it('accepts form bodies (poll[options][], poll[expires_in], poll[multiple], poll[hide_totals])', async () => {
    const form = new URLSearchParams()
    form.append('status', 'form poll')
    form.append('poll[options][]', 'left')
    form.append('poll[options][]', 'right')
    form.append('poll[expires_in]', '600')
    form.append('poll[multiple]', 'false')
    form.append('poll[hide_totals]', 'true')
    const res = await a.fetch('/api/v1/statuses', { method: 'POST', headers: { Authorization: `Bearer ${aliceToken}` }, body: form })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { poll: { multiple: boolean; options: Array<{ title: string; votes_count: number | null }> } }
    validStatus(body)
    expect(body.poll.multiple).toBe(false)
    // hide_totals: the counts stay hidden until the poll ends.
    expect(body.poll.options).toEqual([
      { title: 'left', votes_count: null },
      { title: 'right', votes_count: null },
    ])
  })

  it('refuses polls outside the advertised limits, or with media, with a 422 and writes nothing', async () => {
    const instance = await anon('GET', '/api/v2/instance')
    const limits = instance.body.configuration.polls
    expect(limits).toEqual({ max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2_629_746 })
    const before = { ...(await rowCounts(a.db)), polls: await a.db.prepare('SELECT count(*) AS n FROM polls').first('n') }
    const cases: unknown[] = [
      { options: ['only one'], expires_in: 600 },
      { options: Array.from({ length: limits.max_options + 1 }, (_, i) => `o${i}`), expires_in: 600 },
      { options: ['x'.repeat(limits.max_characters_per_option + 1), 'b'], expires_in: 600 },
      { options: ['same', 'same'], expires_in: 600 },
      { options: ['a', ''], expires_in: 600 },
      { options: ['a', 'b'], expires_in: limits.min_expiration - 1 },
      { options: ['a', 'b'], expires_in: limits.max_expiration + 1 },
      { options: ['a', 'b'], expires_in: 'soon' },
      { options: 'a,b', expires_in: 600 },
      { options: [{}, 'b'], expires_in: 600 },
      { options: ['a', 'b'], expires_in: 600, multiple: 'perhaps' },
      'a poll',
    ]
    for (const poll of cases) {
      const res = await alice('POST', '/api/v1/statuses', { status: 'bad poll', poll })
      expect([JSON.stringify(poll), res.status]).toEqual([JSON.stringify(poll), 422])
      expect(typeof res.body.error).toBe('string')
    }
    const media = await alice('POST', '/api/v1/statuses', { status: 'both', media_ids: ['8001'], poll: { options: ['a', 'b'], expires_in: 600 } })
    expect(media.status).toBe(422)
    expect(media.body.error).toMatch(/poll/i)
    // At the limits exactly, it is fine.
    const edge = await alice('POST', '/api/v1/statuses', {
      status: 'edge',
      poll: { options: Array.from({ length: limits.max_options }, (_, i) => `${i}${'x'.repeat(limits.max_characters_per_option - 1)}`), expires_in: limits.min_expiration },
    })
    expect(edge.status).toBe(200)
    await alice('DELETE', `/api/v1/statuses/${edge.body.id}`)
    expect({ ...(await rowCounts(a.db)), polls: await a.db.prepare('SELECT count(*) AS n FROM polls').first('n') }).toEqual(before)
  })
})

describe('voting', () => {
  it('counts a vote, shows it as the voter\'s own, and refuses a second one', async () => {
    const status = await postPoll(alice, { options: ['yes', 'no'] })
    const id = status.poll.id
    const voted = await bob('POST', `/api/v1/polls/${id}/votes`, { choices: [1] })
    expect(voted.status).toBe(200)
    validPoll(voted.body)
    expect(voted.body).toMatchObject({ votes_count: 1, voters_count: 1, voted: true, own_votes: [1], options: [{ votes_count: 0 }, { votes_count: 1 }] })
    // A vote reads a handful of rows whatever the number of polls and votes stored.
    const rowsRead = Number(voted.headers.get('x-herd-d1-rows-read'))
    console.log(`vote: ${rowsRead} rows read, ${voted.headers.get('x-herd-d1-queries')} queries`)
    expect(rowsRead).toBeLessThanOrEqual(40)
    const again = await bob('POST', `/api/v1/polls/${id}/votes`, { choices: [0] })
    expect(again.status).toBe(422)
    expect(again.body.error).toMatch(/already voted/)
    // Others see the count, not bob's choice.
    const read = await carol('GET', `/api/v1/polls/${id}`)
    expect(read.body).toMatchObject({ votes_count: 1, voted: false, own_votes: [] })
    const onStatus = await bob('GET', `/api/v1/statuses/${status.id}`)
    expect(onStatus.body.poll).toMatchObject({ voted: true, own_votes: [1] })
  })

  it('refuses choices out of range, several on a single-choice poll, none, or malformed: 422, nothing counted', async () => {
    const single = (await postPoll(alice, { options: ['a', 'b'] })).poll.id
    const multiple = (await postPoll(alice, { options: ['a', 'b', 'c'], multiple: true })).poll.id
    const cases: Array<[string, unknown]> = [
      [single, { choices: [2] }],
      [single, { choices: [0, 1] }],
      [single, { choices: [] }],
      [single, {}],
      [single, { choices: ['x'] }],
      [single, { choices: [-1] }],
      [multiple, { choices: [0, 3] }],
    ]
    for (const [poll, body] of cases) {
      const res = await carol('POST', `/api/v1/polls/${poll}/votes`, body)
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422])
      expect(typeof res.body.error).toBe('string')
    }
    expect(await a.db.prepare('SELECT count(*) AS n FROM poll_votes WHERE poll_id IN (?, ?)').bind(single, multiple).first('n')).toBe(0)
    // Form bodies with choices[] work, and several choices on a multiple-choice poll count once per voter.
    const form = new URLSearchParams([['choices[]', '0'], ['choices[]', '2']])
    const res = await a.fetch(`/api/v1/polls/${multiple}/votes`, { method: 'POST', headers: { Authorization: `Bearer ${aliceToken}` }, body: form })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ votes_count: 2, voters_count: 1, own_votes: [0, 2], options: [{ votes_count: 1 }, { votes_count: 0 }, { votes_count: 1 }] })
    expect((await anon('POST', `/api/v1/polls/${multiple}/votes`, { choices: [1] })).status).toBe(401)
    expect((await carol('POST', '/api/v1/polls/99999/votes', { choices: [1] })).status).toBe(404)
  })

  it('keeps counts exact under concurrent votes, and lets one of several simultaneous votes by one account in', async () => {
    const id = (await postPoll(alice, { options: ['a', 'b'] })).poll.id
    const sameVoter = await Promise.all([0, 1, 0, 1, 0].map((c) => dave('POST', `/api/v1/polls/${id}/votes`, { choices: [c] })))
    expect(sameVoter.map((r) => r.status).sort()).toEqual([200, 422, 422, 422, 422])
    const others = await Promise.all([bob, carol, alice].map((api) => api('POST', `/api/v1/polls/${id}/votes`, { choices: [0] })))
    expect(others.map((r) => r.status)).toEqual([200, 200, 200])
    const poll = (await anon('GET', `/api/v1/polls/${id}`)).body
    expect(poll.votes_count).toBe(4)
    expect(poll.voters_count).toBe(4)
    expect(poll.options[0].votes_count + poll.options[1].votes_count).toBe(4)
    expect(await a.db.prepare('SELECT count(*) AS n FROM poll_votes WHERE poll_id = ?').bind(id).first('n')).toBe(4)
  })

  it('applies the status\' visibility to the poll: 404 to those who cannot see it', async () => {
    const status = await postPoll(alice, { options: ['a', 'b'] }, { visibility: 'private' })
    expect((await anon('GET', `/api/v1/polls/${status.poll.id}`)).status).toBe(404)
    expect((await bob('GET', `/api/v1/polls/${status.poll.id}`)).status).toBe(404)
    expect((await bob('POST', `/api/v1/polls/${status.poll.id}/votes`, { choices: [0] })).status).toBe(404)
    expect((await alice('GET', `/api/v1/polls/${status.poll.id}`)).status).toBe(200)
    expect((await anon('GET', '/api/v1/polls/not-an-id')).status).toBe(404)
  })

  it('reads a page of statuses with polls in one query for all their polls', async () => {
    for (let i = 0; i < 10; i++) await postPoll(carol, { options: ['a', 'b'] })
    for (let i = 0; i < 10; i++) await dave('POST', '/api/v1/statuses', { status: `no poll ${i}` })
    const page = await bob('GET', `/api/v1/accounts/${carolId}/statuses?limit=10`)
    expect(page.body.every((s: { poll: unknown }) => s.poll !== null)).toBe(true)
    const plain = await bob('GET', `/api/v1/accounts/${daveId}/statuses?limit=10`)
    expect(plain.body).toHaveLength(10)
    const queries = (r: { headers: Headers }) => Number(r.headers.get('x-herd-d1-queries'))
    const rowsRead = (r: { headers: Headers }) => Number(r.headers.get('x-herd-d1-rows-read'))
    // One more query than a page without polls; its rows grow with the page, not with votes elsewhere.
    expect(queries(page)).toBeLessThanOrEqual(queries(plain) + 1)
    expect(rowsRead(page)).toBeLessThanOrEqual(rowsRead(plain) + 10 * 3)
    console.log(`polls page: ${queries(page)} queries, ${rowsRead(page)} rows read; page without polls: ${queries(plain)} queries, ${rowsRead(plain)} rows read`)
  })
})

describe('editing', () => {
  it('adds a poll in an edit, keeps votes when only the duration changes, and starts over when the options change', async () => {
    const plain = await alice('POST', '/api/v1/statuses', { status: 'no poll yet' })
    const added = await alice('PUT', `/api/v1/statuses/${plain.body.id}`, { status: 'now with a poll', poll: { options: ['a', 'b'], expires_in: 600 } })
    expect(added.status).toBe(200)
    validStatus(added.body)
    expect(added.body.poll).toMatchObject({ options: [{ title: 'a' }, { title: 'b' }], votes_count: 0 })
    await bob('POST', `/api/v1/polls/${added.body.poll.id}/votes`, { choices: [0] })
    const longer = await alice('PUT', `/api/v1/statuses/${plain.body.id}`, { poll: { options: ['a', 'b'], expires_in: 7200 } })
    expect(longer.body.poll).toMatchObject({ id: added.body.poll.id, votes_count: 1 })
    expect(Date.parse(longer.body.poll.expires_at)).toBeGreaterThan(Date.parse(added.body.poll.expires_at))
    const changed = await alice('PUT', `/api/v1/statuses/${plain.body.id}`, { poll: { options: ['a', 'c'], expires_in: 7200 } })
    expect(changed.body.poll).toMatchObject({ votes_count: 0, voters_count: 0, options: [{ title: 'a', votes_count: 0 }, { title: 'c', votes_count: 0 }] })
    expect((await bob('GET', `/api/v1/polls/${added.body.poll.id}`)).body).toMatchObject({ voted: false, own_votes: [] })
    // Still no media with a poll, and a bad poll changes nothing.
    expect((await alice('PUT', `/api/v1/statuses/${plain.body.id}`, { media_ids: ['8001'] })).status).toBe(422)
    expect((await alice('PUT', `/api/v1/statuses/${plain.body.id}`, { status: 'x', poll: { options: ['solo'], expires_in: 600 } })).status).toBe(422)
    expect((await alice('GET', `/api/v1/statuses/${plain.body.id}`)).body).toMatchObject({ content: '<p>now with a poll</p>', poll: { options: [{ title: 'a' }, { title: 'c' }] } })
  })
})

describe('closing', () => {
  it('closes an ended poll once: voters and the author are told exactly once, and no more votes', async () => {
    const status = await postPoll(alice, { options: ['a', 'b'], hide_totals: true })
    const id = status.poll.id
    await bob('POST', `/api/v1/polls/${id}/votes`, { choices: [0] })
    await carol('POST', `/api/v1/polls/${id}/votes`, { choices: [1] })
    expect((await bob('GET', `/api/v1/polls/${id}`)).body.options).toEqual([
      { title: 'a', votes_count: null },
      { title: 'b', votes_count: null },
    ])
    await endPoll(a, id)
    const late = await dave('POST', `/api/v1/polls/${id}/votes`, { choices: [0] })
    expect(late.status).toBe(422)
    expect(late.body.error).toMatch(/ended/)
    await Promise.all([runCron(a), runCron(a)])
    await runCron(a)
    const rows = await a.db.prepare("SELECT account_id, from_account_id FROM notifications WHERE type = 'poll' AND status_id = ? ORDER BY account_id").bind(status.id).all()
    expect(rows.results).toEqual([aliceId, bobId, carolId].sort().map((account_id) => ({ account_id, from_account_id: aliceId })))
    const note = await eventually(async () => (await bob('GET', '/api/v1/notifications?types[]=poll')).body.find((n: { status?: { id: string } }) => n.status?.id === status.id), 'the poll notification')
    expect(note.status.poll).toMatchObject({ expired: true, options: [{ votes_count: 1 }, { votes_count: 1 }] })
    expect(schemaErrors(mastodonValidator('Notification'), note)).toEqual([])
    expect(await a.db.prepare('SELECT closed_at IS NOT NULL AS closed FROM polls WHERE id = ?').bind(id).first('closed')).toBe(1)
  })
})

describe('federation', () => {
  let bobB: Api
  let aliceOnB = ''
  let question: { statusId: string; pollId: string; uri: string }
  let statusOnB = ''

  beforeAll(async () => {
    const { token } = await userToken(b, 'bob')
    bobB = apiClient(b, token)
    const found = await bobB('GET', `/api/v1/accounts/lookup?acct=alice@${a.url.host}`)
    expect(found.status).toBe(200)
    aliceOnB = found.body.id
    expect((await bobB('POST', `/api/v1/accounts/${aliceOnB}/follow`)).status).toBe(200)
    await eventually(async () => (await bobB('GET', `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following === true, 'the Accept on B', 300)
  }, 120_000)

  it('sends a local poll as a Question, and serves it as one at the status URI', async () => {
    const status = await postPoll(alice, { options: ['north', 'south'] }, { status: 'Federated poll' })
    question = { statusId: status.id, pollId: status.poll.id, uri: status.uri }
    const served = await a.fetch(new URL(status.uri).pathname, { headers: { Accept: 'application/activity+json' } })
    expect(served.status).toBe(200)
    const object = (await served.json()) as Record<string, unknown>
    expect(object).toMatchObject({
      id: status.uri,
      type: 'Question',
      endTime: status.poll.expires_at,
      votersCount: 0,
      oneOf: [
        { type: 'Note', name: 'north', replies: { type: 'Collection', totalItems: 0 } },
        { type: 'Note', name: 'south', replies: { type: 'Collection', totalItems: 0 } },
      ],
    })
    expect(object).not.toHaveProperty('closed')
    const onB = await eventually(async () => (await bobB('GET', '/api/v1/timelines/home')).body.find((s: { uri: string }) => s.uri === status.uri), 'the Question on B', 300)
    statusOnB = onB.id
    validStatus(onB)
    expect(onB.poll).toMatchObject({ multiple: false, expires_at: status.poll.expires_at, votes_count: 0, voted: false, options: [{ title: 'north', votes_count: 0 }, { title: 'south', votes_count: 0 }] })
  }, 120_000)

  it('sends a vote to the author, who counts it (not as a reply) and sends the new counts back', async () => {
    const pollOnB = (await bobB('GET', `/api/v1/statuses/${statusOnB}`)).body.poll.id
    const voted = await bobB('POST', `/api/v1/polls/${pollOnB}/votes`, { choices: [1] })
    expect(voted.status).toBe(200)
    expect(voted.body).toMatchObject({ voted: true, own_votes: [1] })
    const onA = await eventually(async () => {
      const p = (await alice('GET', `/api/v1/polls/${question.pollId}`)).body
      return p.votes_count === 1 ? p : null
    }, 'the vote on A', 300)
    expect(onA).toMatchObject({ voters_count: 1, options: [{ votes_count: 0 }, { votes_count: 1 }] })
    const voter = await a.db.prepare('SELECT a.domain FROM poll_votes v JOIN accounts a ON a.id = v.account_id WHERE v.poll_id = ?').bind(question.pollId).first('domain')
    expect(voter).toBe(b.url.host)
    // A vote is not a reply.
    expect(await a.db.prepare('SELECT count(*) AS n FROM statuses WHERE in_reply_to_id = ?').bind(question.statusId).first('n')).toBe(0)
    expect((await alice('GET', `/api/v1/statuses/${question.statusId}`)).body.replies_count).toBe(0)
    // The author's Update reaches B with the counts A holds.
    await eventually(async () => {
      const row = await b.db.prepare('SELECT votes_count, voters_count, option_votes FROM polls WHERE id = ?').bind(pollOnB).first<{ votes_count: number; voters_count: number; option_votes: string }>()
      return row?.voters_count === 1 && row.option_votes === '[0,1]' && row.votes_count === 1
    }, 'the Update on B', 300)
    const again = await bobB('POST', `/api/v1/polls/${pollOnB}/votes`, { choices: [0] })
    expect(again.status).toBe(422)
  }, 120_000)

  it('counts a remote actor once per option: a vote sent again, or for another option of a single-choice poll, is not counted', async () => {
    const bobOnB = await b.db.prepare("SELECT id, uri FROM accounts WHERE username = 'bob' AND domain = ''").first<{ id: string; uri: string }>()
    const inbox = `${a.url.origin}/users/alice/inbox`
    const send = async (name: string, n: number) => {
      const noteId = `${bobOnB!.uri}#votes/replayed-${n}`
      const activity = {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${noteId}/activity`,
        type: 'Create',
        actor: bobOnB!.uri,
        to: [`${a.url.origin}/users/alice`],
        object: { id: noteId, type: 'Note', name, attributedTo: bobOnB!.uri, to: [`${a.url.origin}/users/alice`], inReplyTo: question.uri },
      }
      const body = JSON.stringify(activity)
      const signed = await b.harness('/federation/sign', { method: 'POST', body: JSON.stringify({ accountId: bobOnB!.id, url: inbox, body }) })
      const res = await fetch(inbox, { method: 'POST', headers: (await signed.json()) as Record<string, string>, body })
      expect(res.status).toBeLessThan(300)
      await eventually(() => a.db.prepare('SELECT uri FROM processed_activities WHERE uri = ?').bind(activity.id).first(), `A processed ${activity.id}`, 300)
    }
    await send('south', 1)
    await send('north', 2)
    const poll = (await alice('GET', `/api/v1/polls/${question.pollId}`)).body
    expect(poll).toMatchObject({ votes_count: 1, voters_count: 1, options: [{ votes_count: 0 }, { votes_count: 1 }] })
    expect(await a.db.prepare('SELECT count(*) AS n FROM statuses WHERE in_reply_to_id = ?').bind(question.statusId).first('n')).toBe(0)
  }, 120_000)

  it('federates the closing as an Update, and B closes it too', async () => {
    await endPoll(a, question.pollId)
    await runCron(a)
    const served = await a.fetch(new URL(question.uri).pathname, { headers: { Accept: 'application/activity+json' } })
    const object = (await served.json()) as Record<string, unknown>
    expect(object.closed).toBe(object.endTime)
    const pollOnB = (await bobB('GET', `/api/v1/statuses/${statusOnB}`)).body.poll.id
    await eventually(async () => (await bobB('GET', `/api/v1/polls/${pollOnB}`)).body.expired === true, 'the closed poll on B', 300)
    // B's cron tells its voter, once.
    await runCron(b)
    await runCron(b)
    const notes = await b.db.prepare("SELECT count(*) AS n FROM notifications WHERE type = 'poll' AND status_id = ?").bind(statusOnB).first('n')
    expect(notes).toBe(1)
  }, 120_000)
})
