import { route } from '../../../../backend/http/route'
import { readParams } from '../../../../backend/http/body'
import { requireUser } from '../../../../backend/auth/authenticate'
import { readCredentialAccount } from '../../../../backend/accounts/read'
import { updateCredentials } from '../../../../backend/accounts/update'
import type { Handler } from '../../../../backend/http/route'
import { federate } from '../../../../backend/statuses/federate'

const update: Handler = async (ctx) => {
  const auth = await requireUser(ctx, 'write:accounts')
  const origin = new URL(ctx.request.url).origin
  await updateCredentials(ctx.env, ctx.data.d1, auth.accountId, await readParams(ctx.request), origin)
  // Followers (and the Bluesky profile, when bridged) learn of the new profile from the consumer.
  await federate(ctx.env, { action: 'update-actor', actorId: auth.accountId })
  return Response.json(await readCredentialAccount(ctx.data.db, auth.accountId, origin))
}

// Mastodon documents PATCH; some clients still send PUT.
export const onRequest = route({ PATCH: update, PUT: update })
