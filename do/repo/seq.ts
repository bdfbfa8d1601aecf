/**
 * Where the firehose's sequence numbers start on an empty event log: microseconds since the
 * epoch. Within one log numbers go up by one per event, with no gaps. A log whose storage was
 * reset therefore starts above every number it handed out before, unless it had averaged more
 * than a thousand events per millisecond over its whole life. The result stays below 2^53
 * until the year 2255, so it is exact as a JavaScript number and as an int64 cursor.
 */
export function seqFloor(nowMs: number): number {
  return nowMs * 1000
}
