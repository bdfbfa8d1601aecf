import { startStack, type Stack } from '../helpers/stack'
import { mastodonValidator, schemaErrors } from '../helpers/schemas'
import { registeredUserToken, userTokenWithAccount } from '../helpers/auth'
import { png } from '../helpers/images'

let stack: Stack
let owner: { token: string; accountId: string }
let other: { token: string; accountId: string }
let readOnly: string

beforeAll(async () => {
  stack = await startStack()
  owner = await userTokenWithAccount(stack, 'shepherd')
  other = await registeredUserToken(stack, 'goatherd')
  readOnly = (await registeredUserToken(stack, 'reader', 'read')).token
})
afterAll(async () => {
  await stack.dispose()
})

type Json = Record<string, unknown>
async function api(path: string, token: string | null, init: RequestInit = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers = new Headers(init.headers)
  if (token !== null) headers.set('Authorization', `Bearer ${token}`)
  const res = await stack.fetch(path, { ...init, headers })
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers }
}

function upload(file: Blob | null, fields: Record<string, string> = {}, name = 'photo.png'): FormData {
  const form = new FormData()
  if (file !== null) form.set('file', file, name)
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  return form
}

async function stored(): Promise<{ rows: number; objects: number }> {
  const rows = await stack.db.prepare('SELECT count(*) AS n FROM media_attachments').first<{ n: number }>()
  const bucket = await stack.mf.getR2Bucket('MEDIA')
  const listed = await bucket.list({ prefix: 'media/' })
  return { rows: rows?.n ?? 0, objects: listed.objects.length }
}

const validAttachment = (body: unknown) => schemaErrors(mastodonValidator('MediaAttachment'), body)

describe('POST /api/v2/media', () => {
  it('stores an image in R2, reads its size from the bytes, and answers 200 with the attachment', async () => {
    const bytes = png(640, 480)
    // The client's type is wrong on purpose: the bytes decide.
    const res = await api('/api/v2/media', owner.token, {
      method: 'POST',
      body: upload(new Blob([bytes], { type: 'application/octet-stream' }), { description: 'A meadow at dawn', focus: '0.5,-0.25' }),
    })
    expect(res.status).toBe(200)
    expect(validAttachment(res.body)).toEqual([])
    expect(res.body).toMatchObject({
      type: 'image',
      description: 'A meadow at dawn',
      blurhash: null,
      remote_url: null,
      meta: {
        original: { width: 640, height: 480, size: '640x480', aspect: 640 / 480 },
        small: { width: 640, height: 480 },
        focus: { x: 0.5, y: -0.25 },
      },
    })
    expect(res.body.preview_url).toBe(res.body.url)
    const url = new URL(String(res.body.url))
    expect(url.pathname).toMatch(new RegExp(`^/media/media/${String(res.body.id)}/[A-Za-z0-9_-]+\\.png$`))

    const served = await stack.fetch(url.pathname)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from(bytes))

    const row = await stack.db.prepare('SELECT account_id, status_id, content_type, size, width, height FROM media_attachments WHERE id = ?').bind(res.body.id).first()
    expect(row).toEqual({ account_id: owner.accountId, status_id: null, content_type: 'image/png', size: bytes.byteLength, width: 640, height: 480 })
  })

  it('POST /api/v1/media answers the same way', async () => {
    const res = await api('/api/v1/media', owner.token, { method: 'POST', body: upload(new Blob([png(10, 20)], { type: 'image/png' })) })
    expect(res.status).toBe(200)
    expect(validAttachment(res.body)).toEqual([])
    expect(res.body).toMatchObject({ type: 'image', description: null, meta: { original: { width: 10, height: 20 }, focus: { x: 0, y: 0 } } })
  })

  it('refuses what is not a supported image, too large, or badly described, and writes nothing', async () => {
    const before = await stored()
    const cases: Array<[string, FormData]> = [
      ['svg labelled png', upload(new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], { type: 'image/png' }))],
      ['html', upload(new Blob(['<html><body>hi</body></html>'], { type: 'image/png' }), {}, 'x.html')],
      ['empty', upload(new Blob([], { type: 'image/png' }))],
      ['too many pixels', upload(new Blob([png(10_000, 10_000)], { type: 'image/png' }))],
      ['bad focus', upload(new Blob([png(4, 4)]), { focus: '2,0' })],
      ['focus not numbers', upload(new Blob([png(4, 4)]), { focus: 'left,top' })],
      ['description too long', upload(new Blob([png(4, 4)]), { description: 'x'.repeat(1501) })],
      ['thumbnail not an image', (() => { const f = upload(new Blob([png(4, 4)])); f.set('thumbnail', new Blob(['nope']), 't.png'); return f })()],
    ]
    for (const [what, body] of cases) {
      const res = await api('/api/v2/media', owner.token, { method: 'POST', body })
      expect({ what, status: res.status, error: typeof res.body.error }).toEqual({ what, status: 422, error: 'string' })
    }
    const noFile = await api('/api/v2/media', owner.token, { method: 'POST', body: upload(null, { description: 'nothing' }) })
    expect(noFile.status).toBe(422)
    const oversized = new Uint8Array(16 * 1024 * 1024 + 1)
    oversized.set(png(100, 100))
    const big = await api('/api/v2/media', owner.token, { method: 'POST', body: upload(new Blob([oversized])) })
    expect(big.status).toBe(422)
    expect(big.body.error).toMatch(/too large/)
    expect(await stored()).toEqual(before)
  })

  it('needs a signed-in person with write:media', async () => {
    const body = () => upload(new Blob([png(4, 4)]))
    expect((await api('/api/v2/media', null, { method: 'POST', body: body() })).status).toBe(401)
    expect((await api('/api/v2/media', readOnly, { method: 'POST', body: body() })).status).toBe(403)
    expect((await api('/api/v2/media', owner.token, { method: 'GET' })).status).toBe(405)
  })
})

describe('GET and PUT /api/v1/media/:id', () => {
  let id: string
  beforeAll(async () => {
    const res = await api('/api/v2/media', owner.token, { method: 'POST', body: upload(new Blob([png(300, 200)])) })
    id = String(res.body.id)
  })

  it('shows the uploader its media and no one else', async () => {
    const mine = await api(`/api/v1/media/${id}`, owner.token)
    expect(mine.status).toBe(200)
    expect(validAttachment(mine.body)).toEqual([])
    expect(mine.body.id).toBe(id)
    expect((await api(`/api/v1/media/${id}`, other.token)).status).toBe(404)
    expect((await api('/api/v1/media/999999999999999999', owner.token)).status).toBe(404)
    expect((await api('/api/v1/media/not-an-id', owner.token)).status).toBe(404)
    expect((await api(`/api/v1/media/${id}`, null)).status).toBe(401)
  })

  it('updates the description and focal point', async () => {
    const res = await api(`/api/v1/media/${id}`, owner.token, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ description: 'Two goats', focus: '-1,1' }),
    })
    expect(res.status).toBe(200)
    expect(validAttachment(res.body)).toEqual([])
    expect(res.body).toMatchObject({ description: 'Two goats', meta: { focus: { x: -1, y: 1 } } })
    expect((await api(`/api/v1/media/${id}`, owner.token)).body).toEqual(res.body)
  })

  it('refuses bad values and other people, changing nothing', async () => {
    const before = (await api(`/api/v1/media/${id}`, owner.token)).body
    for (const body of [{ focus: '0.5' }, { focus: '0,1.5' }, { description: 'x'.repeat(1501) }, { description: 7 }]) {
      const res = await api(`/api/v1/media/${id}`, owner.token, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(422)
    }
    const theirs = await api(`/api/v1/media/${id}`, other.token, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ description: 'mine now' }) })
    expect(theirs.status).toBe(404)
    expect((await api(`/api/v1/media/${id}`, owner.token)).body).toEqual(before)
  })

  it('renders the same in a status that uses it as on its own', async () => {
    const statusId = '113500000000000001'
    await stack.db.batch([
      stack.db.prepare("INSERT INTO statuses (id, uri, account_id, local, visibility, content) VALUES (?, 'https://x.example/s/media', ?, 1, 'public', '<p>with a picture</p>')").bind(statusId, owner.accountId),
      stack.db.prepare('UPDATE media_attachments SET status_id = ? WHERE id = ?').bind(statusId, id),
    ])
    const alone = await api(`/api/v1/media/${id}`, owner.token)
    const status = await api(`/api/v1/statuses/${statusId}`, null)
    expect(status.status).toBe(200)
    expect(schemaErrors(mastodonValidator('Status'), status.body)).toEqual([])
    expect(status.body.media_attachments).toEqual([alone.body])
  })
})

describe('the media the instance accepts', () => {
  it('is reported in both instance documents', async () => {
    const v2 = await api('/api/v2/instance', null)
    const config = (v2.body.configuration as Json).media_attachments as Json
    expect(config).toMatchObject({ supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif'], image_size_limit: 16 * 1024 * 1024, image_matrix_limit: 33_177_600 })
    const v1 = await api('/api/v1/instance', null)
    expect((v1.body.configuration as Json).media_attachments).toEqual(config)
  })
})
