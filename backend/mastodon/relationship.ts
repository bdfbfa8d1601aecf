/** What D1 holds about the viewer and one other account, gathered for a whole list at once. */
export interface RelationshipFacts {
  id: string
  /** The viewer's follow of the account, accepted or pending. */
  following: { state: 'pending' | 'accepted'; showReblogs: boolean; notify: boolean } | null
  /** The account's follow of the viewer. */
  followedBy: 'pending' | 'accepted' | null
  blocking: boolean
  blockedBy: boolean
  mute: { notifications: boolean; expiresAt: string | null } | null
  /** The viewer hides the account's whole domain. */
  domainBlocking: boolean
  /** The viewer's private note about the account. */
  note: string
  /** The viewer features the account on their profile. */
  endorsed: boolean
}

/** The Mastodon Relationship entity. */
export function renderRelationship(f: RelationshipFacts) {
  const follow = f.following
  return {
    id: f.id,
    following: follow?.state === 'accepted',
    showing_reblogs: follow !== null && follow.showReblogs,
    notifying: follow !== null && follow.notify,
    languages: null,
    followed_by: f.followedBy === 'accepted',
    blocking: f.blocking,
    blocked_by: f.blockedBy,
    muting: f.mute !== null,
    muting_notifications: f.mute !== null && f.mute.notifications,
    muting_expires_at: f.mute?.expiresAt ?? null,
    requested: follow?.state === 'pending',
    requested_by: f.followedBy === 'pending',
    domain_blocking: f.domainBlocking,
    endorsed: f.endorsed,
    note: f.note,
  }
}

export type MastodonRelationship = ReturnType<typeof renderRelationship>
