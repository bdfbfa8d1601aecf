/**
 * Mastodon-style ids: milliseconds since the epoch shifted left 16 bits, with 16 random low bits,
 * written as a decimal string. They sort by time, and stay 18 digits long until the 25th century, so
 * comparing them as strings (as D1 does for TEXT keys) gives the same order as comparing numbers.
 * BigInt keeps every bit: the values are above 2^53 and would lose precision as JS numbers.
 */
export function idFromTime(ms: number, random: number = randomLow16()): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`invalid timestamp: ${ms}`)
  return ((BigInt(ms) << 16n) | BigInt(random & 0xffff)).toString()
}

let lastMs = -1
let lastLow = 0

/**
 * A new id, increasing within this isolate even when the clock does not move (workerd stops the
 * clock during computation, so every id made in one request shares its millisecond). The first id
 * of a millisecond starts at a random point in the lower half of the 16 bits; later ones count up.
 */
export function newId(now: number = Date.now()): string {
  // An id for an earlier time (a backdated version, say) is made for that time, not counted.
  if (now < lastMs) return idFromTime(now)
  if (now > lastMs) {
    lastMs = now
    lastLow = randomLow16() & 0x7fff
  } else if (lastLow < 0xffff) {
    lastLow += 1
  } else {
    lastMs += 1
    lastLow = 0
  }
  return idFromTime(lastMs, lastLow)
}

/** The smallest id at a given time: useful as a keyset bound ("everything since t"). */
export function minIdAt(ms: number): string {
  return idFromTime(ms, 0)
}

export function timeOfId(id: string): number {
  return Number(BigInt(id) >> 16n)
}

export function isId(value: string): boolean {
  return /^[0-9]{1,20}$/.test(value)
}

function randomLow16(): number {
  const buf = new Uint16Array(1)
  crypto.getRandomValues(buf)
  return buf[0] ?? 0
}
