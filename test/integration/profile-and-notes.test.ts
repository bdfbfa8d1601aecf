// Account notes and domain blocks in the Relationship, removing profile images, deleting unused
// uploads, and the translation languages an instance without a translation service offers.
import { startStack, type Stack } from '../helpers/stack'
import { registeredUserToken } from '../helpers/auth'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { png } from '../helpers/images'

let stack: Stack
let ann: { token: string; accountId: string }
let ben: { token: string; accountId: string }
const REMOTE = '900000000000000300'

const auth = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } })
const post = (t: string, body: unknown, method = 'POST') => ({ method, headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

async function relationshipWith(token: string, id: string): Promise<Record<string, unknown>> {
  const [r] = (await (await stack.fetch(`/api/v1/accounts/relationships?id[]=${id}`, auth(token))).json()) as Array<Record<string, unknown>>
  return r!
}

beforeAll(async () => {
  stack = await startStack()
  ann = await registeredUserToken(stack, 'ann', 'read write follow')
  ben = await registeredUserToken(stack, 'ben', 'read write follow')
  await stack.db.prepare("INSERT INTO accounts (id, username, domain, uri) VALUES (?, 'goat', 'remote.example', 'https://remote.example/users/goat')").bind(REMOTE).run()
}, 120_000)

afterAll(async () => {
  await stack?.dispose()
})

describe('account notes', () => {
  const validate = mastodonValidator('Relationship')

  it('keeps a private note that only its writer sees, and removes it when emptied', async () => {
    const res = await stack.fetch(`/api/v1/accounts/${ben.accountId}/note`, post(ann.token, { comment: 'Lends me shears' }))
    expect(res.status).toBe(200)
    const rel = (await res.json()) as Record<string, unknown>
    expect(schemaErrors(validate, rel)).toEqual([])
    expect(rel).toMatchObject({ id: ben.accountId, note: 'Lends me shears' })
    expect(await relationshipWith(ann.token, ben.accountId)).toMatchObject({ note: 'Lends me shears' })
    // Ben's view of ann carries no note.
    expect(await relationshipWith(ben.token, ann.accountId)).toMatchObject({ note: '' })
    const form = await stack.fetch(`/api/v1/accounts/${ben.accountId}/note`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'comment=',
    })
    expect(((await form.json()) as Record<string, unknown>).note).toBe('')
    expect((await stack.db.prepare('SELECT count(*) AS n FROM account_notes').first<{ n: number }>())!.n).toBe(0)
  })

  it('refuses bad input without writing', async () => {
    const long = await stack.fetch(`/api/v1/accounts/${ben.accountId}/note`, post(ann.token, { comment: 'x'.repeat(2001) }))
    expect(long.status).toBe(422)
    expect(await long.json()).toHaveProperty('error')
    expect((await stack.fetch(`/api/v1/accounts/${ben.accountId}/note`, post(ann.token, { comment: 5 }))).status).toBe(422)
    expect((await stack.fetch('/api/v1/accounts/999999999999999999/note', post(ann.token, { comment: 'hi' }))).status).toBe(404)
    expect((await stack.fetch(`/api/v1/accounts/${ben.accountId}/note`, { method: 'POST', body: '{}' })).status).toBe(401)
    expect((await stack.db.prepare('SELECT count(*) AS n FROM account_notes').first<{ n: number }>())!.n).toBe(0)
  })
})

describe('domain_blocking in the Relationship', () => {
  it('is true for an account on a domain the viewer hides, and only for that viewer', async () => {
    expect(await relationshipWith(ann.token, REMOTE)).toMatchObject({ domain_blocking: false })
    const res = await stack.fetch('/api/v1/domain_blocks', post(ann.token, { domain: 'remote.example' }))
    expect(res.status).toBe(200)
    expect(await relationshipWith(ann.token, REMOTE)).toMatchObject({ domain_blocking: true })
    expect(await relationshipWith(ben.token, REMOTE)).toMatchObject({ domain_blocking: false })
    // A local account is never domain-blocked.
    expect(await relationshipWith(ann.token, ben.accountId)).toMatchObject({ domain_blocking: false })
  })
})

describe('removing profile images', () => {
  it('DELETE /api/v1/profile/avatar and /header go back to the defaults and drop the files', async () => {
    const form = new FormData()
    form.set('avatar', new Blob([png(64, 64)], { type: 'image/png' }), 'a.png')
    form.set('header', new Blob([png(300, 100)], { type: 'image/png' }), 'h.png')
    const up = await stack.fetch('/api/v1/accounts/update_credentials', { method: 'PATCH', headers: { Authorization: `Bearer ${ann.token}` }, body: form })
    expect(up.status).toBe(200)
    const withImages = (await up.json()) as { avatar: string; header: string }
    expect(withImages.avatar).toMatch(/\/media\/accounts\//)
    expect((await stack.fetch(new URL(withImages.avatar).pathname)).status).toBe(200)

    const validate = mastodonValidator('CredentialAccount')
    const res = await stack.fetch('/api/v1/profile/avatar', { method: 'DELETE', ...auth(ann.token) })
    expect(res.status).toBe(200)
    const account = (await res.json()) as { avatar: string; header: string }
    expect(schemaErrors(validate, account)).toEqual([])
    expect(account.avatar).toMatch(/\/avatars\/original\/missing\.png$/)
    expect(account.header).toBe(withImages.header)
    expect((await stack.fetch(new URL(withImages.avatar).pathname)).status).toBe(404)

    const header = (await (await stack.fetch('/api/v1/profile/header', { method: 'DELETE', ...auth(ann.token) })).json()) as { header: string }
    expect(header.header).toMatch(/\/headers\/original\/missing\.png$/)
    // Removing what is already gone is fine.
    expect((await stack.fetch('/api/v1/profile/header', { method: 'DELETE', ...auth(ann.token) })).status).toBe(200)
    expect((await stack.fetch('/api/v1/profile/header', { method: 'DELETE' })).status).toBe(401)
  })
})

describe('DELETE /api/v1/media/:id', () => {
  async function upload(token: string): Promise<{ id: string; url: string }> {
    const form = new FormData()
    form.set('file', new Blob([png(32, 32)], { type: 'image/png' }), 'p.png')
    const res = await stack.fetch('/api/v2/media', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })
    expect(res.status).toBe(200)
    return (await res.json()) as { id: string; url: string }
  }

  it('deletes an unused upload of its owner, and nothing else', async () => {
    const media = await upload(ann.token)
    expect((await stack.fetch(`/api/v1/media/${media.id}`, { method: 'DELETE', ...auth(ben.token) })).status).toBe(404)
    const res = await stack.fetch(`/api/v1/media/${media.id}`, { method: 'DELETE', ...auth(ann.token) })
    expect(res.status).toBe(200)
    expect(schemaErrors(mastodonValidator('MediaAttachment'), await res.json())).toEqual([])
    expect((await stack.fetch(new URL(media.url).pathname)).status).toBe(404)
    expect((await stack.fetch(`/api/v1/media/${media.id}`, auth(ann.token))).status).toBe(404)
  })

  it('refuses to delete media a status uses', async () => {
    const media = await upload(ann.token)
    const status = await stack.fetch('/api/v1/statuses', post(ann.token, { status: 'a picture', media_ids: [media.id] }))
    expect(status.status).toBe(200)
    const res = await stack.fetch(`/api/v1/media/${media.id}`, { method: 'DELETE', ...auth(ann.token) })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ error: 'Media attachment is currently used by a status' })
    expect((await stack.fetch(new URL(media.url).pathname)).status).toBe(200)
  })
})

describe('GET /api/v1/instance/translation_languages', () => {
  it('offers no pairs, since no translation service is configured', async () => {
    const res = await stack.fetch('/api/v1/instance/translation_languages')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({})
  })
})

describe('GET /api/v1/instance/privacy_policy', () => {
  it("states what this server stores and shares, with the instance's name and contact", async () => {
    await stack.harness('/instance/settings', { method: 'POST', body: JSON.stringify({ title: 'Meadow', contactEmail: 'owner@meadow.example' }) })
    const res = await stack.fetch('/api/v1/instance/privacy_policy')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { updated_at: string; content: string }
    expect(schemaErrors(mastodonValidator('PrivacyPolicy'), body)).toEqual([])
    expect(body.content).toContain('<h2>What this server stores</h2>')
    expect(body.content).toMatch(/Bluesky bridge/)
    expect(body.content).toContain('Meadow runs on Cloudflare')
    expect(body.content).toContain('<a href="mailto:owner@meadow.example">owner@meadow.example</a>')
    expect(Date.parse(body.updated_at)).not.toBeNaN()
  })
})
