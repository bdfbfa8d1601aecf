// Direct-message conversations: kept per participant on write (local posts here; inbound federation
// goes through the same fan-out), listed with Link paging, marked read, removed for one person.
import { startStack, type Stack } from '../helpers/stack'
import { apiClient, linkPath, people, type Person } from '../helpers/api'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
let alice: Person
let bob: Person
let carol: Person
let dave: Person

const rowsRead = (headers: Headers) => Number(headers.get('x-herd-d1-rows-read'))
const count = async (sql: string, ...binds: unknown[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? 0
const validate = () => mastodonValidator('Conversation')

interface Conversation {
  id: string
  unread: boolean
  accounts: Array<{ id: string }>
  last_status: { id: string } | null
}

beforeAll(async () => {
  stack = await startStack()
  const p = await people(stack, 'bob', 'carol', 'dave')
  alice = p.alice
  ;[bob, carol, dave] = p.others
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
})

async function dm(who: Person, text: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await who.api('POST', '/api/v1/statuses', { status: text, visibility: 'direct', ...extra })
  expect(res.status).toBe(200)
  return String(res.body.id)
}

async function list(who: Person, query = ''): Promise<Conversation[]> {
  const res = await who.api('GET', `/api/v1/conversations${query}`)
  expect(res.status).toBe(200)
  for (const c of res.body) expect(schemaErrors(validate(), c)).toEqual([])
  return res.body as Conversation[]
}

describe('conversations', () => {
  let first = ''
  let reply = ''
  let convId = ''

  it('open for every participant: unread for the recipient, read for the author, the others as accounts', async () => {
    first = await dm(alice, '@bob a secret')
    const [mine] = await list(alice)
    const [theirs] = await list(bob)
    expect(mine).toMatchObject({ id: first, unread: false, last_status: { id: first } })
    expect(mine?.accounts.map((a) => a.id)).toEqual([bob.id])
    expect(theirs).toMatchObject({ id: first, unread: true, last_status: { id: first } })
    expect(theirs?.accounts.map((a) => a.id)).toEqual([alice.id])
    expect(await list(carol)).toEqual([])
    convId = first
  })

  it('continue in the same thread: a reply becomes the last status and flips unread', async () => {
    reply = await dm(bob, '@alice whisper back', { in_reply_to_id: first })
    const [mine] = await list(alice)
    const [theirs] = await list(bob)
    expect(mine).toMatchObject({ id: convId, unread: true, last_status: { id: reply } })
    expect(theirs).toMatchObject({ id: convId, unread: false, last_status: { id: reply } })
    expect(await count('SELECT count(*) AS n FROM conversations')).toBe(2)
  })

  it('are one per thread and participant set', async () => {
    const other = await dm(alice, '@bob another topic')
    const group = await dm(alice, '@bob @carol all of us', { in_reply_to_id: first })
    const mine = await list(alice)
    expect(mine.map((c) => c.last_status?.id)).toEqual([group, other, reply])
    expect(mine[0]?.accounts.map((a) => a.id).sort()).toEqual([bob.id, carol.id].sort())
    const carols = await list(carol)
    expect(carols).toHaveLength(1)
    expect(carols[0]?.accounts.map((a) => a.id).sort()).toEqual([alice.id, bob.id].sort())
  })

  it('are marked read, for the viewer only, and unknown ids are 404', async () => {
    const [latest] = await list(bob)
    expect(latest?.unread).toBe(true)
    const read = await bob.api('POST', `/api/v1/conversations/${latest?.id}/read`)
    expect(read.status).toBe(200)
    expect(schemaErrors(validate(), read.body)).toEqual([])
    expect(read.body).toMatchObject({ id: latest?.id, unread: false })
    expect((await list(bob))[0]?.unread).toBe(false)
    expect((await list(carol))[0]?.unread).toBe(true)
    expect((await carol.api('POST', `/api/v1/conversations/${convId}/read`)).status).toBe(404)
    expect((await bob.api('POST', '/api/v1/conversations/nope/read')).status).toBe(404)
    expect((await bob.api('DELETE', '/api/v1/conversations/123')).status).toBe(404)
  })

  it('are removed for the viewer only, and come back with a new message', async () => {
    const before = await count('SELECT count(*) AS n FROM conversations')
    const res = await bob.api('DELETE', `/api/v1/conversations/${convId}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({})
    expect((await list(bob)).map((c) => c.id)).not.toContain(convId)
    expect((await list(alice)).map((c) => c.id)).toContain(convId)
    expect(await count('SELECT count(*) AS n FROM conversations')).toBe(before - 1)
    // The statuses themselves stay.
    expect((await bob.api('GET', `/api/v1/statuses/${reply}`)).status).toBe(200)
    const again = await dm(alice, '@bob still there?', { in_reply_to_id: reply })
    const back = (await list(bob)).find((c) => c.last_status?.id === again)
    expect(back).toMatchObject({ id: again, unread: true })
    expect((await list(alice)).find((c) => c.id === convId)?.last_status?.id).toBe(again)
  })

  it('follow deletions: the previous status becomes the last, and an emptied conversation goes', async () => {
    const lone = await dm(dave, '@carol just once')
    expect((await list(carol)).map((c) => c.id)).toContain(lone)
    const twice = await dm(dave, '@carol and again', { in_reply_to_id: lone })
    expect((await dave.api('DELETE', `/api/v1/statuses/${twice}`)).status).toBe(200)
    expect((await list(carol)).find((c) => c.id === lone)?.last_status?.id).toBe(lone)
    expect((await dave.api('DELETE', `/api/v1/statuses/${lone}`)).status).toBe(200)
    expect((await list(carol)).map((c) => c.id)).not.toContain(lone)
    expect((await list(dave)).map((c) => c.id)).not.toContain(lone)
  })

  it('respect blocks and mutes: a muted or blocked sender opens no conversation, and older ones hide', async () => {
    const before = await dm(dave, '@carol before the mute')
    expect((await list(carol)).map((c) => c.id)).toContain(before)
    expect((await carol.api('POST', `/api/v1/accounts/${dave.id}/mute`)).status).toBe(200)
    const muted = await dm(dave, '@carol are you there?')
    const whileMuted = await list(carol)
    expect(whileMuted.map((c) => c.last_status?.id)).not.toContain(muted)
    expect(whileMuted.map((c) => c.id)).not.toContain(before)
    expect((await list(dave)).map((c) => c.last_status?.id)).toContain(muted)
    expect((await carol.api('POST', `/api/v1/accounts/${dave.id}/unmute`)).status).toBe(200)
    expect((await list(carol)).map((c) => c.id)).toContain(before)
    expect((await carol.api('POST', `/api/v1/accounts/${alice.id}/block`)).status).toBe(200)
    const blocked = await dm(alice, '@carol hello?')
    expect((await list(carol)).map((c) => c.last_status?.id)).not.toContain(blocked)
    expect(await count('SELECT count(*) AS n FROM conversations WHERE account_id = ? AND last_status_id = ?', carol.id, blocked)).toBe(0)
  })

  it('arrive by federation: a remote direct status opens the local recipient’s conversation, once however often it is fanned out', async () => {
    const goat = '900000000000000077'
    const id = String(BigInt(Date.now()) << 16n)
    await stack.db.batch([
      stack.db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES (?, 'goat', 'remote.example', 'https://remote.example/users/goat')").bind(goat),
      stack.db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES (?, 'https://remote.example/notes/dm1', ?, 0, 'direct', '<p>@bob hi</p>')").bind(id, goat),
      stack.db.prepare('INSERT INTO status_mentions (status_id, account_id) VALUES (?, ?)').bind(id, bob.id),
    ])
    // The inbox stores a Create and then runs this fan-out (backend/federation/inbox/notes.ts); deliveries repeat.
    for (let i = 0; i < 2; i++) expect((await stack.harness('/timelines/fan-out', { method: 'POST', body: JSON.stringify({ statusId: id }) })).status).toBe(200)
    const theirs = (await list(bob)).filter((c) => c.last_status?.id === id)
    expect(theirs).toHaveLength(1)
    expect(theirs[0]).toMatchObject({ id, unread: true })
    expect(theirs[0]?.accounts.map((a) => a.id)).toEqual([goat])
    expect(await count('SELECT count(*) AS n FROM conversations WHERE last_status_id = ?', id)).toBe(1)
    expect(await count('SELECT count(*) AS n FROM conversation_statuses WHERE status_id = ?', id)).toBe(1)
  })

  it('need the scopes and a person', async () => {
    expect((await apiClient(stack)('GET', '/api/v1/conversations')).status).toBe(401)
    const { userToken } = await import('../helpers/auth')
    const readOnly = apiClient(stack, (await userToken(stack, 'alice', 'read:statuses')).token)
    expect((await readOnly('GET', '/api/v1/conversations')).status).toBe(200)
    expect((await readOnly('POST', `/api/v1/conversations/${convId}/read`)).status).toBe(403)
    expect((await readOnly('DELETE', `/api/v1/conversations/${convId}`)).status).toBe(403)
    expect((await alice.api('GET', '/api/v1/conversations?limit=x')).status).toBe(400)
  })
})

describe('conversations at scale', () => {
  it('page by the last status with Link headers, reading a bounded number of rows per page', async () => {
    const T = Date.UTC(2026, 2, 1)
    const N = 400
    // N direct threads from bob to alice, with alice's conversation rows as the fan-out writes them.
    await stack.db.batch([
      stack.db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})
        INSERT INTO statuses (id, uri, account_id, local, visibility, content)
        SELECT printf('%d', (${T} + i * 1000) * 65536), 'https://x.example/dm/' || i, ?1, 1, 'direct', '<p>dm</p>' FROM n`).bind(bob.id),
      stack.db.prepare(`INSERT INTO status_mentions (status_id, account_id) SELECT id, ?1 FROM statuses WHERE uri LIKE 'https://x.example/dm/%'`).bind(alice.id),
      stack.db.prepare(`INSERT INTO conversations (account_id, id, root_id, participants, last_status_id, unread)
        SELECT ?1, id, id, ?2, id, 1 FROM statuses WHERE uri LIKE 'https://x.example/dm/%'`).bind(alice.id, JSON.stringify([bob.id])),
      stack.db.prepare(`INSERT INTO conversation_statuses (account_id, conversation_id, status_id)
        SELECT ?1, id, id FROM statuses WHERE uri LIKE 'https://x.example/dm/%'`).bind(alice.id),
    ])
    const ids = (await stack.db.prepare("SELECT id FROM statuses WHERE uri LIKE 'https://x.example/dm/%' ORDER BY id").all<{ id: string }>()).results.map((r) => r.id)
    let path: string | null = `/api/v1/conversations?limit=40&max_id=${ids[300]}`
    let maxRows = 0
    const seen: string[] = []
    for (let page = 0; page < 4 && path; page++) {
      const res = await alice.api('GET', path)
      expect(res.status).toBe(200)
      expect(res.body).toHaveLength(40)
      seen.push(...res.body.map((c: Conversation) => c.last_status?.id))
      maxRows = Math.max(maxRows, rowsRead(res.headers))
      path = linkPath(res.headers, 'next')
    }
    expect(seen).toEqual(ids.slice(140, 300).reverse())
    const up = await alice.api('GET', `/api/v1/conversations?limit=40&min_id=${ids[100]}`)
    expect(up.body.map((c: Conversation) => c.last_status?.id)).toEqual(ids.slice(101, 141).reverse())
    console.log(`rows read per page of 40 conversations: ${maxRows}`)
    expect(maxRows).toBeLessThan(400)
  })
})

describe('migration 0016', () => {
  it('opens conversations for direct statuses stored before it, read, one per thread and participant set', async () => {
    const { readFileSync } = await import('node:fs')
    const { splitSql } = await import('../helpers/sql')
    const backfill = splitSql(readFileSync('migrations/0016_account_collections.sql', 'utf8')).filter((s) => s.trimStart().startsWith('WITH RECURSIVE'))
    expect(backfill).toHaveLength(2)
    // History from before the upgrade: statuses and mentions only, no conversation rows.
    const T = Date.UTC(2025, 5, 1)
    const at = (n: number) => String(BigInt(T + n * 1000) << 16n)
    const insert = (n: number, author: string, replyTo: number | null, mentions: string[]) => [
      stack.db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, in_reply_to_id, content) VALUES (?, ?, ?, 1, 'direct', ?, '<p>old</p>')").bind(at(n), `https://x.example/old/${n}`, author, replyTo === null ? null : at(replyTo)),
      ...mentions.map((m) => stack.db.prepare('INSERT INTO status_mentions (status_id, account_id) VALUES (?, ?)').bind(at(n), m)),
    ]
    await stack.db.batch([...insert(1, dave.id, null, [bob.id]), ...insert(2, bob.id, 1, [dave.id]), ...insert(3, dave.id, 2, [bob.id]), ...insert(4, dave.id, null, [bob.id])])
    const opened = () => count('SELECT count(*) AS n FROM conversations WHERE root_id IN (?, ?)', at(1), at(4))
    expect(await opened()).toBe(0)
    for (const statement of backfill) await stack.db.prepare(statement).run()
    // Two threads, each seen by both: four rows.
    expect(await opened()).toBe(4)
    const bobs = (await list(bob, `?max_id=${at(5)}`)).filter((c) => c.id === at(1) || c.id === at(4))
    expect(bobs.map((c) => [c.id, c.last_status?.id, c.unread])).toEqual([
      [at(4), at(4), false],
      [at(1), at(3), false],
    ])
    expect(bobs[1]?.accounts.map((a) => a.id)).toEqual([dave.id])
    expect(await count('SELECT count(*) AS n FROM conversation_statuses WHERE account_id = ? AND conversation_id = ?', bob.id, at(1))).toBe(3)
    // Running it again changes nothing.
    for (const statement of backfill) await stack.db.prepare(statement).run()
    expect(await opened()).toBe(4)
  })
})

describe('the direct stream', () => {
  it('gets each participant’s own conversation when a direct status is posted, and nothing for one who blocks the author', async () => {
    const { default: WebSocket } = await import('ws')
    const { eventually } = await import('../helpers/stack')
    const open = async (token: string) => {
      const url = new URL('/api/v1/streaming?stream=direct', stack.url)
      url.protocol = 'ws:'
      const ws = new WebSocket(url.href, { headers: { Authorization: `Bearer ${token}` } })
      const frames: Array<{ event?: string; payload?: string; stream?: string[] }> = []
      ws.on('message', (data) => frames.push(JSON.parse(String(data)) as { event?: string }))
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      return { ws, frames }
    }
    const subscribers = async () => ((await (await stack.harness('/streaming/subscribers')).json()) as { subscriptions: number }).subscriptions
    const before = await subscribers()
    const [bobs, carols, alices] = [await open(bob.token), await open(carol.token), await open(alice.token)]
    try {
      await eventually(async () => (await subscribers()) >= before + 3, 'the direct subscriptions')
      // carol blocked alice earlier in this file.
      const id = await dm(alice, '@bob @carol live', {})
      const frame = await eventually(async () => bobs.frames.find((f) => f.event === 'conversation'), 'bob’s conversation event')
      expect(frame.stream).toEqual(['direct'])
      const payload = JSON.parse(String(frame.payload)) as Conversation
      expect(schemaErrors(validate(), payload)).toEqual([])
      expect(payload).toMatchObject({ id, unread: true, last_status: { id } })
      expect(payload.accounts.map((a) => a.id).sort()).toEqual([alice.id, carol.id].sort())
      const own = await eventually(async () => alices.frames.find((f) => f.event === 'conversation'), 'alice’s conversation event')
      expect(JSON.parse(String(own.payload))).toMatchObject({ id, unread: false })
      // What bob's stream said is what the API lists.
      expect((await list(bob)).find((c) => c.id === id)).toMatchObject({ id, unread: true, last_status: { id } })
      expect(carols.frames.filter((f) => f.event === 'conversation')).toEqual([])
    } finally {
      for (const s of [bobs, carols, alices]) s.ws.close()
    }
  })
})
