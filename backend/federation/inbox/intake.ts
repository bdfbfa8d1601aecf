// The inbox's request path: bounded read, parse, signature verified and bound to the actor, queued, 202.
// Nothing is stored before the signature checks out, and nothing but the queue message after.
import type { Db } from '../../db/client'
import type { Env } from '../../env'
import { HttpError, notFound } from '../../http/errors'
import type { InboxMessage } from '../../queue/messages'
import { parseDevAllowHosts } from '../address-guard'
import { assertSignerIsActor } from '../actor-binding'
import { parseActivity, readBodyLimited } from '../activity-input'
import { intakeFacts } from '../intake-cache'
import { federationKeyResolver } from '../key-resolver'
import { verifyRequest } from '../signatures'

/** Cloudflare Queues takes messages up to 128 KB; bigger activities wait in KV for the consumer. */
const MAX_INLINE_BYTES = 100 * 1024
const PARKED_TTL_SECONDS = 7 * 24 * 3600

export async function acceptInboxPost(env: Env, db: Db, request: Request, recipient?: string): Promise<Response> {
  if (recipient !== undefined) {
    const account = await db.selectFrom('accounts').select('id').where('username', '=', recipient).where('domain', '=', '').executeTakeFirst()
    if (!account) throw notFound('No such inbox')
  }
  const body = await readBodyLimited(request)
  const activity = parseActivity(request.headers.get('content-type'), body, { devAllowHosts: parseDevAllowHosts(env.HERD_DEV_ALLOW_HOSTS) })
  // A suspended instance is refused before any key is fetched for it. The suspension and the
  // signer's stored key come from one cache call (see intake-cache.ts); the signature names its key.
  const keyId = signatureKeyId(request.headers)
  const facts = await intakeFacts(env, db, new URL(activity.actor).host, keyId)
  if (facts.suspended) throw new HttpError(403, 'This instance does not accept activities from your domain')
  const signature = await verifyRequest(request, body, federationKeyResolver(env, db, keyId === null ? undefined : { keyId, key: facts.key }))
  assertSignerIsActor(signature, activity.actor)
  const message: InboxMessage = { type: 'inbox', signer: activity.actor, origin: new URL(request.url).origin }
  if (body.length <= MAX_INLINE_BYTES) message.activity = activity.json
  else {
    const key = `inbox:${crypto.randomUUID()}`
    await env.KV.put(key, new TextDecoder().decode(body), { expirationTtl: PARKED_TTL_SECONDS })
    message.activityKey = key
  }
  await env.QUEUE.send(message)
  return new Response(null, { status: 202 })
}

/**
 * The key id a request's signature names (draft-cavage `keyId`, RFC 9421 `keyid`), only to read it
 * ahead with the suspension check: verifyRequest parses and checks the signature itself.
 */
function signatureKeyId(headers: Headers): string | null {
  const text = `${headers.get('signature') ?? ''} ${headers.get('signature-input') ?? ''}`
  return /keyid="([^"]+)"/i.exec(text)?.[1] ?? null
}
