import { relationshipRoute } from '../../../../../backend/relationships/http'
import { unfollow } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('id', 'write:follows', (ctx, id) => unfollow(ctx, id))
