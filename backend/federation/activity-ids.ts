/**
 * Ids of the activities that local actions produce. They are derived from the actor's uri and the
 * row the action stored, so a retried delivery sends the same id and receivers can deduplicate.
 */
export type LocalActivityKind = 'follows' | 'likes' | 'blocks'

export function localActivityUri(actorUri: string, kind: LocalActivityKind, rowId: string): string {
  return `${actorUri}#${kind}/${rowId}`
}

/** The Create (or Announce, for a reblog) that carries a local status. */
export function statusActivityUri(statusUri: string): string {
  return `${statusUri}/activity`
}
