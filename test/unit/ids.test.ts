import { idFromTime, isId, minIdAt, newId, timeOfId } from '../../backend/ids'

describe('ids', () => {
  it('encode the time and sort as strings in time order', () => {
    const times = [Date.UTC(2020, 0, 1), Date.UTC(2026, 10, 23), Date.UTC(2100, 5, 1)]
    const ids = times.map((t) => idFromTime(t, 0xffff))
    expect(ids.map(timeOfId)).toEqual(times)
    expect([...ids].sort()).toEqual(ids)
    for (const id of ids) expect(id).toHaveLength(18)
  })

  it('keep every bit above 2^53', () => {
    const id = idFromTime(Date.UTC(2026, 0, 1), 0x1234)
    expect(BigInt(id) & 0xffffn).toBe(0x1234n)
  })

  it('put the minimum id at a time below every id made then', () => {
    const t = Date.UTC(2026, 0, 1)
    expect(minIdAt(t) <= idFromTime(t, 0)).toBe(true)
    expect(minIdAt(t) < idFromTime(t, 1)).toBe(true)
    expect(idFromTime(t - 1, 0xffff) < minIdAt(t)).toBe(true)
  })

  it('validate', () => {
    expect(isId(newId())).toBe(true)
    expect(isId('12a')).toBe(false)
    expect(isId('')).toBe(false)
    expect(() => idFromTime(-1)).toThrow(RangeError)
  })
})

describe('newId', () => {
  it('increases within one millisecond, as ids made in one request must', () => {
    const ids = Array.from({ length: 1000 }, () => newId(1_800_000_000_000))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(1000)
  })
})
