import { linkHeader, newestFirst, parsePage } from '../../backend/timelines/page'

const q = (s: string) => new URLSearchParams(s)

describe('parsePage', () => {
  it('defaults and clamps the limit as Mastodon does', () => {
    expect(parsePage(q(''))).toEqual({ maxId: null, sinceId: null, minId: null, limit: 20 })
    expect(parsePage(q('limit=500')).limit).toBe(40)
    expect(parsePage(q('limit=0')).limit).toBe(1)
    expect(parsePage(q('limit=80'), { max: 80 }).limit).toBe(80)
  })

  it('refuses ids and limits that are not numbers', () => {
    expect(() => parsePage(q('max_id=abc'))).toThrow(/max_id/)
    expect(() => parsePage(q('min_id=1;DROP'))).toThrow(/min_id/)
    expect(() => parsePage(q('limit=-3'))).toThrow(/limit/)
  })

  it('reverses ascending min_id pages to newest first', () => {
    expect(newestFirst(parsePage(q('min_id=5')), ['6', '7'])).toEqual(['7', '6'])
    expect(newestFirst(parsePage(q('max_id=5')), ['4', '3'])).toEqual(['4', '3'])
  })
})

describe('linkHeader', () => {
  it('points next below the oldest and prev above the newest, keeping other params', () => {
    expect(linkHeader('https://h.example/api/v1/timelines/public?local=true&max_id=9', '8', '3')).toBe(
      '<https://h.example/api/v1/timelines/public?local=true&max_id=3>; rel="next", <https://h.example/api/v1/timelines/public?local=true&min_id=8>; rel="prev"',
    )
  })

  it('is omitted for an empty page', () => {
    expect(linkHeader('https://h.example/x', undefined, undefined)).toBeNull()
  })
})
