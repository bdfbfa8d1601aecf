// Lists (CRUD, members, their fanned-out timeline) and filters (v2 and v1 on the same data).
import { startStack, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'

let stack: Stack
let ann: { token: string; accountId: string }
let ben: { token: string; accountId: string }
let cat: { token: string; accountId: string }

const get = async (path: string, token: string) => {
  const res = await stack.fetch(path, { headers: { Authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as unknown, link: res.headers.get('link') }
}
const send = async (path: string, token: string, method: string, body?: unknown, form = false) => {
  const res = await stack.fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: body === undefined ? undefined : form ? String(body) : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const count = async (sql: string, ...binds: unknown[]) => (await stack.db.prepare(sql).bind(...binds).first<{ n: number }>())?.n ?? 0

beforeAll(async () => {
  stack = await startStack()
  ann = await registeredUserToken(stack, 'ann', 'read write follow')
  ben = await registeredUserToken(stack, 'ben', 'read write follow')
  cat = await registeredUserToken(stack, 'cat', 'read write follow')
  const T = 1_800_000_000_000
  const status = (n: number, author: string, extra = '') =>
    stack.db.prepare(`INSERT INTO statuses (id, uri, account_id, local, visibility, content${extra ? ', in_reply_to_account_id' : ''}) VALUES (?, ?, ?, 1, 'public', ?${extra ? ', ?' : ''})`)
      .bind(String(BigInt(T + n) << 16n), `https://x/s/${n}`, author, `<p>post ${n}</p>`, ...(extra ? [extra] : []))
  await stack.db.batch([
    stack.db.prepare("INSERT INTO follows (id, account_id, target_account_id) VALUES ('900000000000000001', ?, ?)").bind(ann.accountId, ben.accountId),
    ...Array.from({ length: 5 }, (_, i) => status(i, ben.accountId)),
    status(10, cat.accountId),
  ])
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
})

describe('lists', () => {
  let listId = ''
  const validate = mastodonValidator('List')

  it('are created, read, renamed and listed by their owner only', async () => {
    const created = await send('/api/v1/lists', ann.token, 'POST', { title: 'Friends', replies_policy: 'followed', exclusive: true })
    expect(created.status).toBe(200)
    expect(schemaErrors(validate, created.body)).toEqual([])
    expect(created.body).toMatchObject({ title: 'Friends', replies_policy: 'followed', exclusive: true })
    listId = String(created.body.id)
    const renamed = await send(`/api/v1/lists/${listId}`, ann.token, 'PUT', 'title=Pals&exclusive=false', true)
    expect(renamed.body).toMatchObject({ id: listId, title: 'Pals', exclusive: false, replies_policy: 'followed' })
    expect((await get('/api/v1/lists', ann.token)).body).toEqual([renamed.body])
    expect((await get(`/api/v1/lists/${listId}`, ben.token)).status).toBe(404)
    expect((await get('/api/v1/lists', ben.token)).body).toEqual([])
  })

  it('refuse bad input and change nothing', async () => {
    expect((await send('/api/v1/lists', ann.token, 'POST', { title: ' ' })).status).toBe(422)
    expect((await send('/api/v1/lists', ann.token, 'POST', { title: 'x', replies_policy: 'all' })).status).toBe(422)
    expect((await send(`/api/v1/lists/${listId}`, ben.token, 'PUT', { title: 'Mine' })).status).toBe(404)
    expect(await count('SELECT count(*) AS n FROM lists')).toBe(1)
  })

  it('take only followed accounts, and show their posts in the list timeline', async () => {
    const refused = await send(`/api/v1/lists/${listId}/accounts`, ann.token, 'POST', { account_ids: [ben.accountId, cat.accountId] })
    expect(refused.status).toBe(422)
    expect(await count('SELECT count(*) AS n FROM list_accounts')).toBe(0)
    expect((await send(`/api/v1/lists/${listId}/accounts`, ann.token, 'POST', { account_ids: [ben.accountId] })).status).toBe(200)
    const members = await get(`/api/v1/lists/${listId}/accounts`, ann.token)
    expect((members.body as Array<{ id: string }>).map((a) => a.id)).toEqual([ben.accountId])
    expect((await get(`/api/v1/accounts/${ben.accountId}/lists`, ann.token)).body).toEqual([{ id: listId, title: 'Pals', replies_policy: 'followed', exclusive: false }])

    const page1 = await get(`/api/v1/timelines/list/${listId}?limit=3`, ann.token)
    const ids1 = (page1.body as Array<{ id: string; account: { id: string } }>)
    expect(ids1).toHaveLength(3)
    expect(ids1.every((s) => s.account.id === ben.accountId)).toBe(true)
    for (const s of ids1) expect(schemaErrors(mastodonValidator('Status'), s)).toEqual([])
    const next = /<([^>]+)>; rel="next"/.exec(page1.link ?? '')?.[1] as string
    const page2 = await get(new URL(next).pathname + new URL(next).search, ann.token)
    expect((page2.body as unknown[]).length).toBe(2)
    expect((await get(`/api/v1/timelines/list/${listId}`, ben.token)).status).toBe(404)
  })

  it('lose a member who is unfollowed, with their posts', async () => {
    await stack.db.prepare('DELETE FROM follows WHERE account_id = ? AND target_account_id = ?').bind(ann.accountId, ben.accountId).run()
    expect((await get(`/api/v1/lists/${listId}/accounts`, ann.token)).body).toEqual([])
    expect((await get(`/api/v1/timelines/list/${listId}`, ann.token)).body).toEqual([])
  })

  it('are deleted', async () => {
    expect((await send(`/api/v1/lists/${listId}`, ann.token, 'DELETE')).status).toBe(200)
    expect((await get('/api/v1/lists', ann.token)).body).toEqual([])
  })
})

describe('filters', () => {
  let filterId = ''
  const validate = mastodonValidator('Filter')

  it('v2: create with keywords, read, update keywords and delete them', async () => {
    const created = await send(
      '/api/v2/filters',
      ann.token,
      'POST',
      'title=Spoilers&context[]=home&context[]=public&filter_action=warn&expires_in=3600&keywords_attributes[][keyword]=spoiler&keywords_attributes[][whole_word]=true&keywords_attributes[][keyword]=leak',
      true,
    )
    expect(created.status).toBe(200)
    expect(schemaErrors(validate, created.body)).toEqual([])
    expect(created.body).toMatchObject({ title: 'Spoilers', context: ['home', 'public'], filter_action: 'warn', keywords: [{ keyword: 'spoiler', whole_word: true }, { keyword: 'leak', whole_word: true }] })
    expect(Date.parse(String(created.body.expires_at))).toBeGreaterThan(Date.now())
    filterId = String(created.body.id)
    const leak = (created.body.keywords as Array<{ id: string; keyword: string }>).find((k) => k.keyword === 'leak')!
    const updated = await send(`/api/v2/filters/${filterId}`, ann.token, 'PUT', {
      filter_action: 'hide',
      keywords_attributes: [{ id: leak.id, _destroy: true }, { keyword: 'ending', whole_word: false }],
    })
    expect(updated.body).toMatchObject({ filter_action: 'hide', keywords: [{ keyword: 'spoiler' }, { keyword: 'ending', whole_word: false }] })
    const kw = await send(`/api/v2/filters/${filterId}/keywords`, ann.token, 'POST', { keyword: 'plot' })
    expect(schemaErrors(mastodonValidator('FilterKeyword'), kw.body)).toEqual([])
    expect((await send(`/api/v2/filters/keywords/${kw.body.id}`, ann.token, 'PUT', { whole_word: false })).body).toEqual({ id: kw.body.id, keyword: 'plot', whole_word: false })
    expect((await get(`/api/v2/filters/keywords/${kw.body.id}`, ben.token)).status).toBe(404)
    expect((await send(`/api/v2/filters/keywords/${kw.body.id}`, ann.token, 'DELETE')).status).toBe(200)
    expect(((await get(`/api/v2/filters/${filterId}/keywords`, ann.token)).body as unknown[]).length).toBe(2)
  })

  it('v2: filter statuses by id', async () => {
    const statusId = String(BigInt(1_800_000_000_010) << 16n)
    const added = await send(`/api/v2/filters/${filterId}/statuses`, ann.token, 'POST', { status_id: statusId })
    expect(added.status).toBe(200)
    expect(schemaErrors(mastodonValidator('FilterStatus'), added.body)).toEqual([])
    expect((await send(`/api/v2/filters/${filterId}/statuses`, ann.token, 'POST', { status_id: statusId })).status).toBe(422)
    expect((await get(`/api/v2/filters/statuses/${added.body.id}`, ann.token)).body).toEqual({ id: added.body.id, status_id: statusId })
    expect((await send(`/api/v2/filters/statuses/${added.body.id}`, ann.token, 'DELETE')).status).toBe(200)
  })

  it('v1 reads and writes the same data, one entry per keyword', async () => {
    const list = (await get('/api/v1/filters', ann.token)).body as Array<Record<string, unknown>>
    expect(list.map((f) => f.phrase)).toEqual(['spoiler', 'ending'])
    for (const f of list) expect(schemaErrors(mastodonValidator('V1Filter'), f)).toEqual([])
    expect(list[0]).toMatchObject({ irreversible: true, context: ['home', 'public'] })
    const created = await send('/api/v1/filters', ann.token, 'POST', { phrase: 'crypto', context: ['notifications'], irreversible: false, whole_word: true })
    expect(created.body).toMatchObject({ phrase: 'crypto', context: ['notifications'], irreversible: false, whole_word: true })
    expect(((await get('/api/v2/filters', ann.token)).body as Array<{ title: string }>).map((f) => f.title)).toEqual(['Spoilers', 'crypto'])
    const changed = await send(`/api/v1/filters/${created.body.id}`, ann.token, 'PUT', { phrase: 'nft', context: ['home'] })
    expect(changed.body).toMatchObject({ id: created.body.id, phrase: 'nft', context: ['home'] })
    expect((await send(`/api/v1/filters/${created.body.id}`, ann.token, 'DELETE')).status).toBe(200)
    expect(((await get('/api/v2/filters', ann.token)).body as unknown[]).length).toBe(1)
  })

  it('refuse bad input and change nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM filters') + (await count('SELECT count(*) AS n FROM filter_keywords'))
    expect((await send('/api/v2/filters', ann.token, 'POST', { title: 'x', context: ['everywhere'] })).status).toBe(422)
    expect((await send('/api/v2/filters', ann.token, 'POST', { title: '', context: ['home'] })).status).toBe(422)
    expect((await send('/api/v2/filters', ann.token, 'POST', { title: 'x', context: ['home'], filter_action: 'explode' })).status).toBe(422)
    expect((await send('/api/v2/filters', ann.token, 'POST', { title: 'x', context: ['home'], expires_in: -5 })).status).toBe(422)
    expect((await send(`/api/v2/filters/${filterId}`, ann.token, 'PUT', { keywords_attributes: [{ id: '1', keyword: 'x' }] })).status).toBe(404)
    expect((await send(`/api/v2/filters/${filterId}`, ben.token, 'DELETE')).status).toBe(404)
    expect(await count('SELECT count(*) AS n FROM filters') + (await count('SELECT count(*) AS n FROM filter_keywords'))).toBe(before)
  })

  it('are deleted with their keywords', async () => {
    expect((await send(`/api/v2/filters/${filterId}`, ann.token, 'DELETE')).status).toBe(200)
    expect(await count('SELECT count(*) AS n FROM filter_keywords')).toBe(0)
  })
})

describe('filters and lists change what timelines return', () => {
  const post = async (token: string, status: string) => (await send('/api/v1/statuses', token, 'POST', { status })).body.id as string
  const home = async (token: string) => (await get('/api/v1/timelines/home', token)).body as Array<{ id: string; filtered?: Array<{ filter: { title: string }; keyword_matches: string[] | null }> }>

  it('hides or marks posts in home, and marks them in notifications', async () => {
    expect((await send(`/api/v1/accounts/${ben.accountId}/follow`, cat.token, 'POST', {})).status).toBe(200)
    const warn = await send('/api/v2/filters', cat.token, 'POST', { title: 'Plans', context: ['home', 'notifications'], filter_action: 'warn', keywords_attributes: [{ keyword: 'plan' }] })
    await send('/api/v2/filters', cat.token, 'POST', { title: 'Secrets', context: ['home'], filter_action: 'hide', keywords_attributes: [{ keyword: 'secret' }] })
    const plain = await post(ben.token, 'Nothing to see')
    const planned = await post(ben.token, 'The Plan is set')
    const secret = await post(ben.token, 'A secret, @cat')
    const page = await home(cat.token)
    const ids = page.map((s) => s.id)
    expect(ids).toContain(plain)
    expect(ids).toContain(planned)
    expect(ids).not.toContain(secret)
    const marked = page.find((s) => s.id === planned)!
    expect(marked.filtered).toEqual([expect.objectContaining({ filter: expect.objectContaining({ id: warn.body.id, title: 'Plans' }), keyword_matches: ['plan'] })])
    expect(schemaErrors(mastodonValidator('Status'), marked)).toEqual([])
    expect(page.find((s) => s.id === plain)?.filtered).toEqual([])
    // The mention is in notifications: the hide filter is for home only, so it shows there.
    const notes = (await get('/api/v1/notifications', cat.token)).body as Array<{ type: string; status?: { id: string } }>
    expect(notes.some((n) => n.type === 'mention' && n.status?.id === secret)).toBe(true)
    // Signed out, or for someone without filters, nothing is marked.
    const pub = (await (await stack.fetch('/api/v1/timelines/public')).json()) as Array<{ id: string; filtered?: unknown }>
    expect(pub.find((s) => s.id === planned)?.filtered).toBeUndefined()
  })

  it('keeps an exclusive list\'s members out of home, and in the list', async () => {
    const list = await send('/api/v1/lists', cat.token, 'POST', { title: 'Ben only', exclusive: true })
    expect((await send(`/api/v1/lists/${list.body.id}/accounts`, cat.token, 'POST', { account_ids: [ben.accountId] })).status).toBe(200)
    const fresh = await post(ben.token, 'Only in the list now')
    expect((await home(cat.token)).map((s) => s.id)).not.toContain(fresh)
    const inList = (await get(`/api/v1/timelines/list/${list.body.id}`, cat.token)).body as Array<{ id: string }>
    expect(inList.map((s) => s.id)).toContain(fresh)
  })
})
