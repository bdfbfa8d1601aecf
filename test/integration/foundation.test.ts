import { startStack, eventually, type Stack } from '../helpers/stack'
import { mastodonValidator, nodeInfoValidator, schemaErrors } from '../helpers/schemas'
import { newId } from '../../backend/ids'

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.dispose()
})

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await stack.fetch(path, init)
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers }
}

async function insertAccount(username: string, domain = '', lastActiveAt: string | null = new Date().toISOString()): Promise<string> {
  const id = newId()
  await stack.db
    .prepare('INSERT INTO accounts (id, username, domain, uri, last_active_at) VALUES (?, ?, ?, ?, ?)')
    .bind(id, username, domain, `https://${domain || 'local.test'}/users/${username}`, lastActiveAt)
    .run()
  return id
}

describe('instance documents', () => {
  it('GET /api/v1/instance matches the Mastodon schema and reads D1', async () => {
    const { status, body, headers } = await json('/api/v1/instance')
    expect(status).toBe(200)
    expect(schemaErrors(mastodonValidator('V1Instance'), body)).toEqual([])
    expect(body.title).toBe('Herd')
    expect(body.uri).toBe(stack.url.host)
    expect((body.urls as Record<string, string>).streaming_api).toBe(`ws://${stack.url.host}`)
    expect(headers.get('access-control-allow-origin')).toBe('*')
  })

  it('GET /api/v2/instance matches the Mastodon schema', async () => {
    const { status, body } = await json('/api/v2/instance')
    expect(status).toBe(200)
    expect(schemaErrors(mastodonValidator('Instance'), body)).toEqual([])
    expect(body.domain).toBe(stack.url.host)
    expect((body.registrations as Record<string, unknown>).enabled).toBe(false)
  })

  it('the thumbnail it points at is served', async () => {
    const { body } = await json('/api/v2/instance')
    const thumb = new URL((body.thumbnail as { url: string }).url)
    const res = await stack.fetch(thumb.pathname)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(new Uint8Array(await res.arrayBuffer()).slice(1, 4)).toEqual(new TextEncoder().encode('PNG'))
  })

  it('reads no D1 rows once the cache is warm', async () => {
    await json('/api/v1/instance')
    for (const path of ['/api/v1/instance', '/api/v2/instance', '/nodeinfo/2.0', '/nodeinfo/2.1']) {
      const { headers } = await json(path)
      expect([path, headers.get('x-herd-d1-rows-read')]).toEqual([path, '0'])
    }
  })
})

describe('changing the instance settings', () => {
  it('is seen by the very next read of every document, through the cache', async () => {
    // Warm the cache first, so a stale entry would show.
    await json('/api/v1/instance')
    await json('/api/v2/instance')
    const res = await stack.harness('/instance/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Meadow',
        shortDescription: 'A quiet meadow.',
        description: 'Sheep & goats welcome.',
        contactEmail: 'owner@meadow.example',
        registrationsMode: 'approval',
        rules: [{ text: 'Be kind', hint: 'to everyone' }, { text: 'No spam' }],
      }),
    })
    expect(res.status).toBe(200)

    const v1 = await json('/api/v1/instance')
    expect(v1.body).toMatchObject({ title: 'Meadow', email: 'owner@meadow.example', registrations: true, approval_required: true })
    expect(v1.body.rules).toEqual([
      { id: expect.any(String), text: 'Be kind', hint: 'to everyone' },
      { id: expect.any(String), text: 'No spam', hint: '' },
    ])
    const v2 = await json('/api/v2/instance')
    expect(v2.body).toMatchObject({ title: 'Meadow', description: 'A quiet meadow.', contact: { email: 'owner@meadow.example', account: null } })
    expect(schemaErrors(mastodonValidator('Instance'), v2.body)).toEqual([])
    const page = await (await stack.fetch('/')).text()
    expect(page).toContain('Meadow')
    expect(page).toContain('Sheep &amp; goats welcome.')
  })

  it('refuses bad input with a 422 and changes nothing', async () => {
    const before = await json('/api/v1/instance')
    const res = await stack.harness('/instance/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Changed', rules: [{ text: '' }] }),
    })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: string }).error).toMatch(/rule/)
    const after = await json('/api/v1/instance')
    expect(after.body).toEqual(before.body)
  })
})

describe('NodeInfo', () => {
  it('discovery lists 2.0 and 2.1', async () => {
    const { status, body } = await json('/.well-known/nodeinfo')
    expect(status).toBe(200)
    expect(body.links).toEqual([
      { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${stack.url.origin}/nodeinfo/2.0` },
      { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${stack.url.origin}/nodeinfo/2.1` },
    ])
  })

  it.each(['2.0', '2.1'] as const)('%s is valid and counts what D1 holds', async (version) => {
    const before = await json(`/nodeinfo/${version}`)
    expect(before.status).toBe(200)
    expect(schemaErrors(nodeInfoValidator(version), before.body)).toEqual([])
    expect(before.headers.get('content-type')).toContain(`/ns/schema/${version}#`)
    const usage = before.body.usage as { users: { total: number; activeMonth: number; activeHalfyear: number }; localPosts: number }

    const alice = await insertAccount(`alice${version.replace('.', '')}`)
    await insertAccount(`idle${version.replace('.', '')}`, '', new Date(Date.now() - 90 * 86_400_000).toISOString())
    await insertAccount('remote', `remote${version.replace('.', '')}.example`)
    await stack.db
      .prepare('INSERT INTO statuses (id, uri, account_id, local, visibility) VALUES (?, ?, ?, 1, ?)')
      .bind(newId(), `https://local.test/s/${version}`, alice, 'public')
      .run()

    // The figures are cached for a minute (as Mastodon caches them); expire them to see the recount.
    const cachedStats = await json(`/nodeinfo/${version}`)
    expect(cachedStats.body.usage).toEqual(usage)
    await stack.harness('/cache/invalidate', { method: 'POST', body: JSON.stringify({ shard: 'instance', key: 'stats' }) })
    const after = await json(`/nodeinfo/${version}`)
    expect(schemaErrors(nodeInfoValidator(version), after.body)).toEqual([])
    expect(after.body.usage).toEqual({
      users: { total: usage.users.total + 2, activeMonth: usage.users.activeMonth + 1, activeHalfyear: usage.users.activeHalfyear + 2 },
      localPosts: usage.localPosts + 1,
    })
  })

  it('an unknown version is a JSON 404', async () => {
    const { status, body } = await json('/nodeinfo/9.9')
    expect(status).toBe(404)
    expect(body.error).toMatch(/NodeInfo/)
  })
})

describe('host-meta', () => {
  it('serves XRD by default and JRD on request', async () => {
    const xml = await stack.fetch('/.well-known/host-meta')
    expect(xml.headers.get('content-type')).toContain('application/xrd+xml')
    expect(await xml.text()).toContain(`template="${stack.url.origin}/.well-known/webfinger?resource={uri}"`)
    const jrd = await json('/.well-known/host-meta?format=json')
    expect(jrd.body).toEqual({ links: [{ rel: 'lrdd', template: `${stack.url.origin}/.well-known/webfinger?resource={uri}` }] })
  })
})

describe('health', () => {
  it('reports D1, the Durable Object, and the consumer processing a probe', async () => {
    const first = await json('/health')
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ status: 'ok', d1: { ok: true }, durable_object: { ok: true } })
    const enqueuedAt = (first.body.queue as { probe_enqueued_at: string }).probe_enqueued_at
    expect(enqueuedAt).toEqual(expect.any(String))
    const queue = await eventually(async () => {
      const { body } = await json('/health')
      const q = body.queue as { last_processed_at: string | null; probe_enqueued_now: boolean }
      return q.last_processed_at !== null ? q : undefined
    }, 'the consumer to process the probe')
    expect(Date.parse(queue.last_processed_at as string)).toBeGreaterThanOrEqual(Date.parse(enqueuedAt))
    // Later checks within the interval do not enqueue again.
    expect(queue.probe_enqueued_now).toBe(false)
  })
})

describe('errors', () => {
  it('an unknown API path is a JSON 404', async () => {
    const { status, body } = await json('/api/v1/nope')
    expect(status).toBe(404)
    expect(body).toEqual({ error: 'No such API endpoint: /api/v1/nope' })
  })

  it('a wrong method is a 405 with Allow', async () => {
    const { status, body, headers } = await json('/api/v1/instance', { method: 'DELETE' })
    expect(status).toBe(405)
    expect(headers.get('allow')).toBe('GET, HEAD')
    expect(body.error).toMatch(/DELETE/)
  })

  it('HEAD is answered like GET, without a body', async () => {
    const res = await stack.fetch('/api/v1/instance', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
  })

  it('CORS preflight is answered for API paths', async () => {
    const res = await stack.fetch('/api/v1/instance', {
      method: 'OPTIONS',
      headers: { Origin: 'https://client.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization')
  })

  it('malformed JSON to the settings writer is a 400', async () => {
    const res = await stack.harness('/instance/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'Malformed JSON body' })
  })
})

describe('frontend', () => {
  it('server-renders the home page with Tailwind styles', async () => {
    const res = await stack.fetch('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    expect(html).toMatch(/<h1[^>]*data-testid="instance-title"[^>]*>/)
    // Qwik inlines a small stylesheet (<style data-src>) and links a larger one; either way it is served.
    const css = html.match(/<style data-src="(\/assets\/[^"]+\.css)"/) ?? html.match(/<link[^>]+href="(\/assets\/[^"]+\.css)"/)
    expect(css).not.toBeNull()
    const href = (css as RegExpMatchArray)[1]
    const style = await stack.fetch(href as string)
    expect(style.status).toBe(200)
    expect(await style.text()).toContain('.text-4xl{')
  })

  it('an unknown page is an HTML 404', async () => {
    const res = await stack.fetch('/no/such/page')
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('Page not found')
  })
})
