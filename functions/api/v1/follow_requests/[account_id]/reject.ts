import { relationshipRoute } from '../../../../../backend/relationships/http'
import { rejectFollowRequest } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('account_id', 'write:follows', (ctx, id) => rejectFollowRequest(ctx, id))
