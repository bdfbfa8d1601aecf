// Binds a verified signature to the activity it carried. Wildebeest verified signatures but never checked
// that the signer was the actor, so any server could speak for any actor; this is the check it lacked.
import { HttpError } from '../http/errors'

function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null
  } catch {
    return null
  }
}

/**
 * Throws 401 unless the signer may speak for `actorId`:
 * - when the key document names its owner, the owner must be the actor;
 * - otherwise (key ids without owner info) the key id must share the actor's origin.
 * The activity's own `actor` is what gets compared, never an id embedded in the object.
 */
export function assertSignerIsActor(signer: { keyId: string; ownerId: string | null }, actorId: string): void {
  const actorOrigin = originOf(actorId)
  if (actorOrigin === null) throw new HttpError(401, 'Activity actor is not a URL')
  if (signer.ownerId !== null) {
    if (signer.ownerId !== actorId) throw new HttpError(401, 'Signing key does not belong to the activity actor')
    // The owner claim comes from the key document; a key served from elsewhere cannot claim this actor.
    if (originOf(signer.keyId) !== actorOrigin) throw new HttpError(401, 'Signing key is not served by the actor origin')
    return
  }
  if (originOf(signer.keyId) !== actorOrigin) throw new HttpError(401, 'Signing key does not share the activity actor origin')
}
