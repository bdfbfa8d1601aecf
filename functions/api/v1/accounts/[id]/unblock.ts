import { relationshipRoute } from '../../../../../backend/relationships/http'
import { unblock } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('id', 'write:blocks', (ctx, id) => unblock(ctx, id))
