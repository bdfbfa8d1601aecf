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

export function newId(now: number = Date.now()): string {
  return idFromTime(now)
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
