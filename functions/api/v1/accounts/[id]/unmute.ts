import { relationshipRoute } from '../../../../../backend/relationships/http'
import { unmute } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('id', 'write:mutes', (ctx, id) => unmute(ctx, id))
