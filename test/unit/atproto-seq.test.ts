import { seqFloor } from '../../do/repo/seq'

test('a reset event log starts above everything an earlier log numbered', () => {
  const firstLife = seqFloor(Date.UTC(2026, 0, 1))
  // A year of 500 events a second, then storage is lost and the log starts again a second later.
  const eventsInFirstLife = 500 * 365 * 24 * 3600
  const lastOfFirstLife = firstLife + eventsInFirstLife
  const secondLife = seqFloor(Date.UTC(2027, 0, 1) + 1000)
  expect(secondLife).toBeGreaterThan(lastOfFirstLife)
})

test('sequence numbers stay exact integers for centuries', () => {
  expect(Number.isSafeInteger(seqFloor(Date.UTC(2250, 0, 1)) + 1_000_000_000)).toBe(true)
})
