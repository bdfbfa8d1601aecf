import { relationshipRoute } from '../../../../../backend/relationships/http'
import { endorse } from '../../../../../backend/accounts/endorsements'

export const onRequest = relationshipRoute('id', 'write:accounts', (ctx, id) => endorse(ctx.db, ctx.viewerId, id))
