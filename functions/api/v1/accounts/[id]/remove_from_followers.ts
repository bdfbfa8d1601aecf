import { relationshipRoute } from '../../../../../backend/relationships/http'
import { removeFromFollowers } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('id', 'write:follows', (ctx, id) => removeFromFollowers(ctx, id))
