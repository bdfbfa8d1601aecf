import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { people, rowCounts, type Api } from '../helpers/api'

let stack: Stack
let alice: Api
let bob: Api
let anon: Api
let aliceId: string
let bobId: string
const valid = (schema: string, body: unknown) => expect(schemaErrors(mastodonValidator(schema), body)).toEqual([])

beforeAll(async () => {
  stack = await startStack()
  const team = await people(stack, 'bob')
  alice = team.alice.api
  aliceId = team.alice.id
  bob = team.others[0].api
  bobId = team.others[0].id
  anon = team.anon
  await stack.db
    .prepare("INSERT INTO media_attachments (id, account_id, type, r2_key, content_type, width, height) VALUES ('8001', ?1, 'image', 'a/1.png', 'image/png', 10, 20), ('8002', ?1, 'image', 'a/2.png', 'image/png', 10, 20), ('8003', ?1, 'image', 'a/3.png', 'image/png', 10, 20)")
    .bind(aliceId)
    .run()
})
afterAll(async () => {
  await stack.dispose()
})

describe('PUT /api/v1/statuses/:id, /history and /source', () => {
  it('edits text, re-derives tags and mentions, and keeps every version', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'First #one', media_ids: ['8001'] })
    expect(post.status).toBe(200)
    const unedited = await alice('GET', `/api/v1/statuses/${post.body.id}/history`)
    expect(unedited.body).toHaveLength(1)
    valid('StatusEdit', unedited.body[0])

    const edit = await alice('PUT', `/api/v1/statuses/${post.body.id}`, { status: 'Second #two @bob', spoiler_text: 'cw' })
    expect(edit.status).toBe(200)
    valid('Status', edit.body)
    expect(edit.body.edited_at).not.toBeNull()
    expect(edit.body.content).toContain('Second')
    expect(edit.body).toMatchObject({ spoiler_text: 'cw', sensitive: true })
    expect(edit.body.tags.map((t: { name: string }) => t.name)).toEqual(['two'])
    expect(edit.body.mentions.map((m: { id: string }) => m.id)).toEqual([bobId])
    // media_ids left out: the media stay.
    expect(edit.body.media_attachments.map((m: { id: string }) => m.id)).toEqual(['8001'])
    expect((await anon('GET', '/api/v1/timelines/tag/one')).body).toHaveLength(0)
    expect((await anon('GET', '/api/v1/timelines/tag/two')).body).toHaveLength(1)

    await alice('PUT', `/api/v1/statuses/${post.body.id}`, { status: 'Third', media_ids: ['8002', '8003'], media_attributes: [{ id: '8003', description: 'A ram', focus: '0.5,-0.5' }] })
    const history = await alice('GET', `/api/v1/statuses/${post.body.id}/history`)
    expect(history.status).toBe(200)
    for (const v of history.body) valid('StatusEdit', v)
    expect(history.body.map((v: { content: string }) => v.content.replace(/<[^>]+>/g, ''))).toEqual(['First #one', 'Second #two @bob', 'Third'])
    expect(history.body[0].media_attachments.map((m: { id: string }) => m.id)).toEqual(['8001'])
    expect(history.body[2].media_attachments.map((m: { id: string; description: string }) => [m.id, m.description])).toEqual([
      ['8002', null],
      ['8003', 'A ram'],
    ])
    // The media no longer used can be attached again.
    expect((await stack.db.prepare("SELECT status_id FROM media_attachments WHERE id = '8001'").first())?.status_id).toBeNull()

    const source = await alice('GET', `/api/v1/statuses/${post.body.id}/source`)
    expect(source.body).toEqual({ id: post.body.id, text: 'Third', spoiler_text: 'cw' })
    valid('StatusSource', source.body)
  })

  it('notifies local accounts that reblogged it, once per edit', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'to be boosted' })
    expect((await bob('POST', `/api/v1/statuses/${post.body.id}/reblog`)).status).toBe(200)
    await alice('PUT', `/api/v1/statuses/${post.body.id}`, { status: 'boosted, then edited' })
    await alice('PUT', `/api/v1/statuses/${post.body.id}`, { status: 'edited twice' })
    const updates = await stack.db.prepare("SELECT count(*) AS n FROM notifications WHERE account_id = ? AND type = 'update' AND status_id = ?").bind(bobId, post.body.id).first()
    expect(updates?.n).toBe(2)
  })

  it("refuses others' statuses and bad input, changing nothing", async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'mine' })
    const before = await rowCounts(stack.db)
    const cases: Array<[Api, unknown, number]> = [
      [bob, { status: 'hijack' }, 404],
      [alice, { status: 'x'.repeat(501) }, 422],
      [alice, { status: '' }, 422],
      [alice, { status: 'ok', media_ids: ['999'] }, 422],
      [alice, { status: 'ok', media_ids: ['8002'] }, 422], // attached to another status
      [alice, { status: 'ok', media_attributes: [{ id: '8002', description: 'x' }] }, 422],
      [alice, { status: 'ok', media_attributes: 'nope' }, 422],
    ]
    for (const [client, payload, code] of cases) {
      const res = await client('PUT', `/api/v1/statuses/${post.body.id}`, payload)
      expect([JSON.stringify(payload), res.status]).toEqual([JSON.stringify(payload), code])
    }
    expect((await alice('PUT', '/api/v1/statuses/123', { status: 'x' })).status).toBe(404)
    expect((await anon('PUT', `/api/v1/statuses/${post.body.id}`, { status: 'x' })).status).toBe(401)
    expect(await rowCounts(stack.db)).toEqual(before)
    expect((await alice('GET', `/api/v1/statuses/${post.body.id}`)).body.edited_at).toBeNull()
    expect((await bob('GET', `/api/v1/statuses/${post.body.id}/source`)).body.text).toBe('mine')
  })
})

describe('DELETE /api/v1/statuses/:id', () => {
  it('deletes one\'s own status and its reblogs, answering with the source for a redraft', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'regret #oops', media_ids: ['8001'] })
    await bob('POST', `/api/v1/statuses/${post.body.id}/reblog`)
    const del = await alice('DELETE', `/api/v1/statuses/${post.body.id}`)
    expect(del.status).toBe(200)
    valid('Status', del.body)
    expect(del.body.text).toBe('regret #oops')
    expect(del.body.media_attachments.map((m: { id: string }) => m.id)).toEqual(['8001'])
    expect((await alice('GET', `/api/v1/statuses/${post.body.id}`)).status).toBe(404)
    expect((await stack.db.prepare('SELECT count(*) AS n FROM statuses WHERE reblog_of_id = ?').bind(post.body.id).first())?.n).toBe(0)
    // Redraft: the media can be used again.
    const redraft = await alice('POST', '/api/v1/statuses', { status: 'better', media_ids: ['8001'] })
    expect(redraft.status).toBe(200)
    const gone = await alice('DELETE', `/api/v1/statuses/${redraft.body.id}?delete_media=true`)
    expect(gone.status).toBe(200)
    expect(await stack.db.prepare("SELECT id FROM media_attachments WHERE id = '8001'").first()).toBeNull()
  })

  it('deletes a reblog like an unreblog', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'boost then regret' })
    const boost = await bob('POST', `/api/v1/statuses/${post.body.id}/reblog`)
    const del = await bob('DELETE', `/api/v1/statuses/${boost.body.id}`)
    expect(del.status).toBe(200)
    expect((await alice('GET', `/api/v1/statuses/${post.body.id}`)).body.reblogs_count).toBe(0)
    expect((await bob('GET', `/api/v1/statuses/${post.body.id}`)).body.reblogged).toBe(false)
  })

  it("refuses others' statuses and unknown ids, changing nothing", async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'keep' })
    const before = await rowCounts(stack.db)
    expect((await bob('DELETE', `/api/v1/statuses/${post.body.id}`)).status).toBe(404)
    expect((await alice('DELETE', '/api/v1/statuses/42')).status).toBe(404)
    expect((await alice('DELETE', '/api/v1/statuses/not-an-id')).status).toBe(404)
    expect((await anon('DELETE', `/api/v1/statuses/${post.body.id}`)).status).toBe(401)
    expect(await rowCounts(stack.db)).toEqual(before)
  })
})
