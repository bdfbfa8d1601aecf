import { MAX_ACTIVITY_BYTES, parseActivity, readBodyLimited } from '../../../backend/federation/activity-input'
import { HttpError } from '../../../backend/http/errors'
import { parseDevAllowHosts } from '../../../backend/federation/address-guard'

const bytes = (s: string) => new TextEncoder().encode(s)
const AP = 'application/activity+json'
const follow = { '@context': 'https://www.w3.org/ns/activitystreams', id: 'https://a.example/f/1', type: 'Follow', actor: 'https://a.example/users/alice', object: 'https://h.example/users/bob' }

describe('inbound activity guard', () => {
  it('accept a well-formed activity, with the actor as a string or an embedded object', () => {
    expect(parseActivity(`${AP}; charset=utf-8`, bytes(JSON.stringify(follow)))).toMatchObject({ id: follow.id, type: 'Follow', actor: follow.actor })
    const ld = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    expect(parseActivity(ld, bytes(JSON.stringify({ ...follow, actor: { id: follow.actor, type: 'Person' } }))).actor).toBe(follow.actor)
  })

  it.each([
    ['text/html', JSON.stringify(follow), 415],
    [null, JSON.stringify(follow), 415],
    [AP, '{"id":', 400],
    [AP, '[1,2]', 400],
    [AP, '"str"', 400],
    [AP, '', 400],
    [AP, JSON.stringify({ ...follow, id: 'http://a.example/f/1' }), 422],
    [AP, JSON.stringify({ ...follow, id: 'javascript:alert(1)' }), 422],
    [AP, JSON.stringify({ ...follow, id: undefined }), 422],
    [AP, JSON.stringify({ ...follow, type: ['Follow'] }), 422],
    [AP, JSON.stringify({ ...follow, actor: undefined }), 422],
    [AP, JSON.stringify({ ...follow, actor: { type: 'Person' } }), 422],
    [AP, JSON.stringify({ ...follow, actor: ['https://a.example/users/alice'] }), 422],
    [AP, JSON.stringify({ ...follow, object: JSON.parse('['.repeat(100) + ']'.repeat(100)) }), 422],
  ])('refuse %s %j with %d', (type, body, status) => {
    let err: unknown
    try {
      parseActivity(type, bytes(body))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(HttpError)
    expect((err as HttpError).status).toBe(status)
  })

  it('refuse invalid UTF-8', () => {
    expect(() => parseActivity(AP, new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(expect.objectContaining({ status: 400 }))
  })

  it('accept http ids only for development-allowed origins', () => {
    const local = { ...follow, id: 'http://127.0.0.1:8788/f/1', actor: 'http://127.0.0.1:8788/users/alice' }
    expect(() => parseActivity(AP, bytes(JSON.stringify(local)))).toThrow(expect.objectContaining({ status: 422 }))
    expect(parseActivity(AP, bytes(JSON.stringify(local)), { devAllowHosts: parseDevAllowHosts('127.0.0.1:8788') }).actor).toBe(local.actor)
  })

  it('cut oversized bodies while streaming, whatever Content-Length says', async () => {
    const big = 'x'.repeat(MAX_ACTIVITY_BYTES + 1)
    await expect(readBodyLimited(new Request('https://h.example/inbox', { method: 'POST', body: big }))).rejects.toMatchObject({ status: 413 })
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(100_000))
        c.close()
      },
    })
    const lying = new Request('https://h.example/inbox', { method: 'POST', body: stream, headers: { 'content-length': '10' }, duplex: 'half' } as RequestInit)
    await expect(readBodyLimited(lying)).rejects.toMatchObject({ status: 413 })
    expect(await readBodyLimited(new Request('https://h.example/inbox', { method: 'POST', body: '{}' }))).toEqual(bytes('{}'))
  })
})
