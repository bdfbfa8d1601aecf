import { startStack, type Stack } from '../helpers/stack'

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.dispose()
})

async function op(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await stack.harness('/cache/op', { method: 'POST', body: JSON.stringify({ shard: 'test', ...body }) })
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

describe('CacheObject', () => {
  it('refuses a fill from a reader whose miss came before an invalidation', async () => {
    const miss = await op({ op: 'get', key: 'k' })
    expect(miss).toEqual({ json: null, version: 0 })
    // A writer changes the data and invalidates while the reader is still loading.
    await op({ op: 'delete', key: 'k' })
    expect(await op({ op: 'fill', key: 'k', json: '"stale"', version: 0 })).toEqual({ filled: false })
    expect(await op({ op: 'get', key: 'k' })).toEqual({ json: null, version: 1 })
    // A reader that missed after the invalidation may fill.
    expect(await op({ op: 'fill', key: 'k', json: '"fresh"', version: 1 })).toEqual({ filled: true })
    expect(await op({ op: 'get', key: 'k' })).toEqual({ json: '"fresh"', version: 2 })
  })

  it('keeps shards apart and versions growing across puts and deletes', async () => {
    expect(await op({ op: 'put', key: 'a', json: '1' })).toEqual({ version: 1 })
    expect(await op({ op: 'put', key: 'a', json: '2' })).toEqual({ version: 2 })
    expect(await op({ op: 'delete', key: 'a' })).toEqual({ version: 3 })
    const other = await stack.harness('/cache/op', { method: 'POST', body: JSON.stringify({ shard: 'other', op: 'get', key: 'a' }) })
    expect(await other.json()).toEqual({ json: null, version: 0 })
  })

  it('expires entries after their TTL, keeping the version', async () => {
    await op({ op: 'put', key: 't', json: '"x"', ttl: 0.2 })
    expect((await op({ op: 'get', key: 't' })).json).toBe('"x"')
    await new Promise((r) => setTimeout(r, 300))
    expect(await op({ op: 'get', key: 't' })).toEqual({ json: null, version: 1 })
  })
})
