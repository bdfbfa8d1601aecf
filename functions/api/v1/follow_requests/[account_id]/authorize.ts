import { relationshipRoute } from '../../../../../backend/relationships/http'
import { authorizeFollowRequest } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('account_id', 'write:follows', (ctx, id) => authorizeFollowRequest(ctx, id))
