import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { people, rowCounts, type Api } from '../helpers/api'

let stack: Stack
let alice: Api
let bob: Api
let carol: Api
let anon: Api
let aliceId: string
let bobId: string
let carolId: string
const valid = (schema: string, body: unknown) => expect(schemaErrors(mastodonValidator(schema), body)).toEqual([])
const notificationCount = async (accountId: string, type: string) =>
  (await stack.db.prepare('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND type = ?').bind(accountId, type).first<{ n: number }>())?.n

beforeAll(async () => {
  stack = await startStack()
  const team = await people(stack, 'bob', 'carol')
  alice = team.alice.api
  aliceId = team.alice.id
  bob = team.others[0].api
  bobId = team.others[0].id
  carol = team.others[1].api
  carolId = team.others[1].id
  anon = team.anon
  // carol follows bob, so bob's reblogs reach her home timeline.
  await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('9001', ?, ?)").bind(carolId, bobId).run()
})
afterAll(async () => {
  await stack.dispose()
})

describe('favourite', () => {
  it('is idempotent, notifies a local author once, and shows in flags, counts and favourited_by', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'like me' })
    const first = await bob('POST', `/api/v1/statuses/${post.body.id}/favourite`)
    expect(first.status).toBe(200)
    valid('Status', first.body)
    expect(first.body).toMatchObject({ favourited: true, favourites_count: 1 })
    const again = await bob('POST', `/api/v1/statuses/${post.body.id}/favourite`)
    expect(again.body).toMatchObject({ favourited: true, favourites_count: 1 })
    expect(await notificationCount(aliceId, 'favourite')).toBe(1)
    await carol('POST', `/api/v1/statuses/${post.body.id}/favourite`)

    const by = await anon('GET', `/api/v1/statuses/${post.body.id}/favourited_by?limit=1`)
    expect(by.status).toBe(200)
    expect(by.body.map((a: { id: string }) => a.id)).toEqual([carolId])
    valid('Account', by.body[0])
    const next = /<([^>]+)>; rel="next"/.exec(by.headers.get('link') ?? '')?.[1] ?? ''
    const second = await anon('GET', new URL(next).pathname + new URL(next).search)
    expect(second.body.map((a: { id: string }) => a.id)).toEqual([bobId])

    // The viewer's flags appear on timelines, for that viewer only.
    const asBob = await bob('GET', '/api/v1/timelines/public')
    expect(asBob.body.find((s: { id: string }) => s.id === post.body.id)).toMatchObject({ favourited: true, reblogged: false, bookmarked: false, muted: false })
    const asAlice = await alice('GET', `/api/v1/accounts/${aliceId}/statuses`)
    expect(asAlice.body.find((s: { id: string }) => s.id === post.body.id)).toMatchObject({ favourited: false, pinned: false })
    const asNobody = await anon('GET', '/api/v1/timelines/public')
    expect(asNobody.body.find((s: { id: string }) => s.id === post.body.id).favourited).toBeUndefined()

    const undo = await bob('POST', `/api/v1/statuses/${post.body.id}/unfavourite`)
    expect(undo.body).toMatchObject({ favourited: false, favourites_count: 1 })
    expect((await bob('POST', `/api/v1/statuses/${post.body.id}/unfavourite`)).body.favourited).toBe(false)
  })
})

describe('reblog', () => {
  it('creates one reblog, fanned out and notified, and removes it on unreblog', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'boost me' })
    const boost = await bob('POST', `/api/v1/statuses/${post.body.id}/reblog`, { visibility: 'unlisted' })
    expect(boost.status).toBe(200)
    valid('Status', boost.body)
    expect(boost.body).toMatchObject({ visibility: 'unlisted', reblog: { id: post.body.id, reblogged: true, reblogs_count: 1 } })
    const again = await bob('POST', `/api/v1/statuses/${post.body.id}/reblog`)
    expect(again.body.id).toBe(boost.body.id)
    // Reblogging the reblog reblogs the original: still one.
    expect((await bob('POST', `/api/v1/statuses/${boost.body.id}/reblog`)).body.id).toBe(boost.body.id)
    expect(await notificationCount(aliceId, 'reblog')).toBe(1)
    const carolHome = await carol('GET', '/api/v1/timelines/home')
    expect(carolHome.body.map((s: { id: string }) => s.id)).toContain(boost.body.id)
    const by = await anon('GET', `/api/v1/statuses/${post.body.id}/reblogged_by`)
    expect(by.body.map((a: { id: string }) => a.id)).toEqual([bobId])

    const undo = await bob('POST', `/api/v1/statuses/${post.body.id}/unreblog`)
    expect(undo.status).toBe(200)
    expect(undo.body).toMatchObject({ id: post.body.id, reblogged: false, reblogs_count: 0 })
    expect((await carol('GET', '/api/v1/timelines/home')).body.map((s: { id: string }) => s.id)).not.toContain(boost.body.id)
    expect((await bob('POST', `/api/v1/statuses/${post.body.id}/unreblog`)).status).toBe(200)
  })

  it("refuses others' followers-only and direct posts, allows one's own followers-only", async () => {
    await stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('9002', ?, ?)").bind(bobId, aliceId).run()
    const priv = await alice('POST', '/api/v1/statuses', { status: 'followers', visibility: 'private' })
    const dm = await alice('POST', '/api/v1/statuses', { status: '@bob hi', visibility: 'direct' })
    const before = await rowCounts(stack.db)
    expect((await bob('POST', `/api/v1/statuses/${priv.body.id}/reblog`)).status).toBe(403)
    expect((await bob('POST', `/api/v1/statuses/${dm.body.id}/reblog`)).status).toBe(403)
    expect((await carol('POST', `/api/v1/statuses/${priv.body.id}/reblog`)).status).toBe(404)
    expect((await bob('POST', `/api/v1/statuses/${priv.body.id}/reblog`, { visibility: 'bogus' })).status).toBe(403)
    expect(await rowCounts(stack.db)).toEqual(before)
    const own = await alice('POST', `/api/v1/statuses/${priv.body.id}/reblog`)
    expect(own.status).toBe(200)
    expect(own.body.visibility).toBe('private')
    // Bob follows alice and sees her self-boost; carol does not.
    expect((await bob('GET', `/api/v1/statuses/${own.body.id}`)).status).toBe(200)
    expect((await carol('GET', `/api/v1/statuses/${own.body.id}`)).status).toBe(404)
  })
})

describe('bookmark, pin and conversation mute', () => {
  it('bookmarks idempotently', async () => {
    const post = await alice('POST', '/api/v1/statuses', { status: 'keep this' })
    expect((await bob('POST', `/api/v1/statuses/${post.body.id}/bookmark`)).body.bookmarked).toBe(true)
    expect((await bob('POST', `/api/v1/statuses/${post.body.id}/bookmark`)).body.bookmarked).toBe(true)
    expect((await bob('GET', `/api/v1/statuses/${post.body.id}`)).body.bookmarked).toBe(true)
    expect((await alice('GET', `/api/v1/statuses/${post.body.id}`)).body.bookmarked).toBe(false)
    expect((await bob('POST', `/api/v1/statuses/${post.body.id}/unbookmark`)).body.bookmarked).toBe(false)
  })

  it('pins own public and unlisted posts up to the limit', async () => {
    const posts = []
    for (let i = 0; i < 6; i++) posts.push((await carol('POST', '/api/v1/statuses', { status: `pin ${i}`, visibility: i % 2 ? 'unlisted' : 'public' })).body.id as string)
    for (const id of posts.slice(0, 5)) {
      const res = await carol('POST', `/api/v1/statuses/${id}/pin`)
      expect(res.status).toBe(200)
      expect(res.body.pinned).toBe(true)
    }
    expect((await carol('POST', `/api/v1/statuses/${posts[0]}/pin`)).status).toBe(200)
    const before = await rowCounts(stack.db)
    expect((await carol('POST', `/api/v1/statuses/${posts[5]}/pin`)).status).toBe(422)
    const priv = await carol('POST', '/api/v1/statuses', { status: 'no pin', visibility: 'private' })
    const other = await alice('POST', '/api/v1/statuses', { status: 'not yours' })
    const countsAfterPosts = await rowCounts(stack.db)
    expect(countsAfterPosts.status_pins).toBe(before.status_pins)
    await carol('POST', `/api/v1/statuses/${posts[4]}/unpin`)
    expect((await carol('POST', `/api/v1/statuses/${priv.body.id}/pin`)).status).toBe(422)
    expect((await carol('POST', `/api/v1/statuses/${other.body.id}/pin`)).status).toBe(422)
    expect((await rowCounts(stack.db)).status_pins).toBe(4)
    const pinned = await anon('GET', `/api/v1/accounts/${carolId}/statuses?pinned=true`)
    expect(pinned.body.map((s: { id: string }) => s.id).sort()).toEqual(posts.slice(0, 4).sort())
    expect((await carol('GET', `/api/v1/statuses/${posts[0]}`)).body.pinned).toBe(true)
    expect((await carol('POST', `/api/v1/statuses/${posts[0]}/unpin`)).body.pinned).toBe(false)
  })

  it('mutes a conversation: the flag shows and its notifications stop', async () => {
    const post = await carol('POST', '/api/v1/statuses', { status: 'quiet please' })
    const muted = await carol('POST', `/api/v1/statuses/${post.body.id}/mute`)
    expect(muted.body.muted).toBe(true)
    await alice('POST', `/api/v1/statuses/${post.body.id}/favourite`)
    const n = await stack.db.prepare("SELECT count(*) AS n FROM notifications WHERE account_id = ? AND status_id = ? AND type = 'favourite'").bind(carolId, post.body.id).first<{ n: number }>()
    expect(n?.n).toBe(0)
    expect((await carol('POST', `/api/v1/statuses/${post.body.id}/unmute`)).body.muted).toBe(false)
  })
})

describe('every action', () => {
  const actions = ['favourite', 'unfavourite', 'reblog', 'unreblog', 'bookmark', 'unbookmark', 'pin', 'unpin', 'mute', 'unmute']
  it('answers 404 for unknown or invisible statuses, 401 signed out, and changes nothing', async () => {
    const dm = await alice('POST', '/api/v1/statuses', { status: 'just me', visibility: 'direct' })
    const before = await rowCounts(stack.db)
    for (const action of actions) {
      expect([action, (await bob('POST', `/api/v1/statuses/123456/${action}`)).status]).toEqual([action, 404])
      expect([action, (await carol('POST', `/api/v1/statuses/${dm.body.id}/${action}`)).status]).toEqual([action, 404])
      expect([action, (await anon('POST', `/api/v1/statuses/${dm.body.id}/${action}`)).status]).toEqual([action, 401])
    }
    expect((await anon('GET', `/api/v1/statuses/${dm.body.id}/favourited_by`)).status).toBe(404)
    expect((await bob('GET', `/api/v1/statuses/${dm.body.id}/context`)).status).toBe(404)
    expect(await rowCounts(stack.db)).toEqual(before)
  })

  it('context shows the viewer what they may see, with flags', async () => {
    const root = await alice('POST', '/api/v1/statuses', { status: 'root' })
    const reply = await bob('POST', '/api/v1/statuses', { status: '@alice reply', in_reply_to_id: root.body.id, visibility: 'private' })
    await alice('POST', `/api/v1/statuses/${reply.body.id}/favourite`)
    const asAlice = await alice('GET', `/api/v1/statuses/${root.body.id}/context`)
    valid('Context', asAlice.body)
    expect(asAlice.body.descendants).toEqual([expect.objectContaining({ id: reply.body.id, favourited: true })])
    // carol follows bob, so she sees his followers-only reply; a visitor does not.
    const asCarol = await carol('GET', `/api/v1/statuses/${root.body.id}/context`)
    expect(asCarol.body.descendants).toEqual([expect.objectContaining({ id: reply.body.id, favourited: false })])
    const asVisitor = await anon('GET', `/api/v1/statuses/${root.body.id}/context`)
    expect(asVisitor.body.descendants).toEqual([])
    const asReplier = await bob('GET', `/api/v1/statuses/${reply.body.id}/context`)
    expect(asReplier.body.ancestors.map((s: { id: string }) => s.id)).toEqual([root.body.id])
  })
})
