import { retryDelaySeconds } from '../../backend/queue/consumer'

describe('queue retry delays', () => {
  it('grow exponentially and are capped', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([10, 20, 40, 80])
    expect(retryDelaySeconds(30)).toBe(12 * 3600)
  })
})
