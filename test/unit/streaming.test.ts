import { audienceOf, channelOf, parseSubscription, reaches, streamLabel, streamOfPath, truthy, type Delivery } from '../../backend/streaming/streams'
import { STREAM_SHARDS, shardOf, splitByShard } from '../../backend/streaming/shards'

const ALL = { statuses: true, notifications: true }
const empty: Delivery = { event: 'update', payload: '{}', channels: [], user: [], notification: [], direct: [], exclude: [] }

describe('streaming subscriptions', () => {
  it('parses the streams Mastodon names, with its errors', () => {
    expect(parseSubscription({ stream: 'public:local' }, ALL)).toEqual({ stream: 'public:local' })
    expect(parseSubscription({ stream: ['user', 'public'] }, ALL)).toEqual({ stream: 'user' })
    expect(parseSubscription({ stream: 'hashtag', tag: '#Cats' }, ALL)).toEqual({ stream: 'hashtag', tag: 'Cats' })
    expect(parseSubscription({ stream: 'hashtag' }, ALL)).toEqual({ error: 'No tag for stream provided', status: 400 })
    expect(parseSubscription({ stream: 'list', list: '12' }, ALL)).toEqual({ stream: 'list', list: '12' })
    expect(parseSubscription({ stream: 'bogus' }, ALL)).toEqual({ error: 'Unknown stream type', status: 400 })
    expect(parseSubscription({}, ALL)).toEqual({ error: 'Unknown stream type', status: 400 })
  })

  it('checks scopes: user:notification needs notifications, the rest statuses', () => {
    const notificationsOnly = { statuses: false, notifications: true }
    expect(parseSubscription({ stream: 'user:notification' }, notificationsOnly)).toEqual({ stream: 'user:notification' })
    expect(parseSubscription({ stream: 'user' }, notificationsOnly)).toMatchObject({ status: 401 })
    expect(parseSubscription({ stream: 'user:notification' }, { statuses: true, notifications: false })).toMatchObject({ status: 401 })
  })

  it('matches hashtags case-insensitively but echoes the tag as sent', () => {
    const sub = { stream: 'hashtag' as const, tag: 'Cats' }
    expect(channelOf(sub)).toBe('hashtag:cats')
    expect(streamLabel(sub)).toEqual(['hashtag', 'Cats'])
    expect(reaches(audienceOf({ ...empty, channels: ['hashtag:cats'] }), sub, 'a', ALL)).toBe(true)
    expect(reaches(audienceOf({ ...empty, channels: ['hashtag:local:cats'] }), sub, 'a', ALL)).toBe(false)
  })

  it('sends account streams to their accounts only, notifications on user only with the scope, never to the excluded', () => {
    const d = audienceOf({ ...empty, user: ['a'], notification: ['b'], channels: ['public'], exclude: ['c'] })
    expect(reaches(d, { stream: 'user' }, 'a', ALL)).toBe(true)
    expect(reaches(d, { stream: 'user' }, 'x', ALL)).toBe(false)
    expect(reaches(d, { stream: 'user' }, 'b', ALL)).toBe(true)
    expect(reaches(d, { stream: 'user' }, 'b', { statuses: true, notifications: false })).toBe(false)
    expect(reaches(d, { stream: 'public' }, 'x', ALL)).toBe(true)
    expect(reaches(d, { stream: 'public' }, 'c', ALL)).toBe(false)
  })

  it('maps SSE paths to streams', () => {
    expect(streamOfPath('public/local', truthy('1'))).toBe('public:local:media')
    expect(streamOfPath('user/notification', false)).toBe('user:notification')
    expect(streamOfPath('nope', false)).toBeNull()
    expect(truthy('false')).toBe(false)
  })
})

describe('streaming shards', () => {
  it('sends public channels to every shard and account events only to their own', () => {
    const ids = Array.from({ length: 200 }, (_, i) => String(110000000000000000n + BigInt(i) * 65537n))
    const used = new Set(ids.map(shardOf))
    expect(used.size).toBe(STREAM_SHARDS)
    const parts = splitByShard({ ...empty, user: ids.slice(0, 3), exclude: ids.slice(3, 100) })
    expect(parts.size).toBeLessThanOrEqual(3)
    for (const [shard, p] of parts) {
      expect(p.user.every((id) => shardOf(id) === shard)).toBe(true)
      expect(p.exclude.every((id) => shardOf(id) === shard)).toBe(true)
    }
    const everywhere = splitByShard({ ...empty, channels: ['public'], payloadFor: { [ids[0] ?? '']: 'x' } })
    expect(everywhere.size).toBe(STREAM_SHARDS)
    expect(everywhere.get(shardOf(ids[0] ?? ''))?.payloadFor).toEqual({ [ids[0] ?? '']: 'x' })
  })
})
