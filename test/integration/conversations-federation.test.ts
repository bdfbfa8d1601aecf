// A direct message that arrives by federation: signed on stack A, delivered to stack B's inbox, stored
// by B's queue consumer, and listed as a conversation of B's local recipient.
import { eventually, freePort, startStack, type Stack } from '../helpers/stack'
import { userToken, userTokenWithAccount } from '../helpers/auth'
import { apiClient } from '../helpers/api'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let a: Stack
let b: Stack
let A: string
let B: string
let aliceId = ''
let bob: { token: string; accountId: string }

async function startPair(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const [pa, pb] = [await freePort(), await freePort()]
    const allow = `127.0.0.1:${pa},127.0.0.1:${pb}`
    try {
      a = await startStack({ port: pa, bindings: { HERD_DEV_ALLOW_HOSTS: allow } })
      b = await startStack({ port: pb, bindings: { HERD_DEV_ALLOW_HOSTS: allow } })
      A = a.url.origin
      B = b.url.origin
      return
    } catch (err) {
      // Another test file's workerd can take a port in between: pick new ones.
      await Promise.all([a?.dispose().catch(() => undefined), b?.dispose().catch(() => undefined)])
      if (attempt >= 3 || !/ADDRESS_IN_USE|Address already in use/i.test(String(err))) throw err
    }
  }
}

beforeAll(async () => {
  await startPair()
  await userToken(a, 'alice')
  aliceId = (await a.db.prepare("SELECT id FROM accounts WHERE username = 'alice' AND domain = ''").first<{ id: string }>())?.id ?? ''
  bob = await userTokenWithAccount(b, 'bob')
}, 240_000)

afterAll(async () => {
  await a?.dispose()
  await b?.dispose()
})

/** Signed on A as alice, POSTed to B's shared inbox; resolves once B's consumer has processed it. */
async function deliver(activity: { id: string }): Promise<void> {
  const body = JSON.stringify(activity)
  const signed = await a.harness('/federation/sign', { method: 'POST', body: JSON.stringify({ accountId: aliceId, url: `${B}/inbox`, body }) })
  const res = await fetch(`${B}/inbox`, { method: 'POST', headers: (await signed.json()) as Record<string, string>, body })
  expect(res.status).toBe(202)
  await eventually(() => b.db.prepare('SELECT uri FROM processed_activities WHERE uri = ?').bind(activity.id).first(), `B processed ${activity.id}`, 300)
}

function directNote(n: number, inReplyTo?: string) {
  const id = `${A}/users/alice/statuses/14000000000000000${n}`
  return {
    id: `${id}/activity`,
    type: 'Create',
    actor: `${A}/users/alice`,
    to: [`${B}/users/bob`],
    object: {
      id,
      type: 'Note',
      attributedTo: `${A}/users/alice`,
      ...(inReplyTo ? { inReplyTo } : {}),
      content: `<p><a href="${B}/@bob" class="u-url mention">@bob</a> secret ${n}</p>`,
      to: [`${B}/users/bob`],
      tag: [{ type: 'Mention', href: `${B}/users/bob`, name: `@bob@${new URL(B).host}` }],
    },
  }
}

describe('a direct message from another server', () => {
  it('opens the local recipient’s conversation, unread, with the remote sender as its account; a reply continues it', async () => {
    const first = directNote(1)
    await deliver(first)
    const stored = await b.db.prepare('SELECT id, visibility FROM statuses WHERE uri = ?').bind(first.object.id).first<{ id: string; visibility: string }>()
    expect(stored?.visibility).toBe('direct')
    const api = apiClient(b, bob.token)
    const list = await api('GET', '/api/v1/conversations')
    expect(list.status).toBe(200)
    expect(list.body).toHaveLength(1)
    expect(schemaErrors(mastodonValidator('Conversation'), list.body[0])).toEqual([])
    expect(list.body[0]).toMatchObject({ id: stored?.id, unread: true, last_status: { id: stored?.id, visibility: 'direct' } })
    expect(list.body[0].accounts.map((x: { acct: string }) => x.acct)).toEqual([`alice@${new URL(A).host}`])

    expect((await api('POST', `/api/v1/conversations/${stored?.id}/read`)).body.unread).toBe(false)
    const reply = directNote(2, first.object.id)
    await deliver(reply)
    // Delivered again (at least once): still one conversation, one row per status.
    await deliver({ ...reply, id: `${reply.id}/again` })
    const replyId = (await b.db.prepare('SELECT id FROM statuses WHERE uri = ?').bind(reply.object.id).first<{ id: string }>())?.id
    const after = await api('GET', '/api/v1/conversations')
    expect(after.body).toHaveLength(1)
    expect(after.body[0]).toMatchObject({ id: stored?.id, unread: true, last_status: { id: replyId } })
    expect((await b.db.prepare('SELECT count(*) AS n FROM conversation_statuses').first<{ n: number }>())?.n).toBe(2)
  })
})
