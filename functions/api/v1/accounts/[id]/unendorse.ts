import { relationshipRoute } from '../../../../../backend/relationships/http'
import { unendorse } from '../../../../../backend/accounts/endorsements'

export const onRequest = relationshipRoute('id', 'write:accounts', (ctx, id) => unendorse(ctx.db, ctx.viewerId, id))
