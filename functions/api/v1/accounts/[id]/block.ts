import { relationshipRoute } from '../../../../../backend/relationships/http'
import { block } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('id', 'write:blocks', (ctx, id) => block(ctx, id))
