import { boolParam, relationshipRoute } from '../../../../../backend/relationships/http'
import { follow } from '../../../../../backend/relationships/actions'

export const onRequest = relationshipRoute('id', 'write:follows', (ctx, id, params) =>
  follow(ctx, id, { reblogs: boolParam(params, 'reblogs'), notify: boolParam(params, 'notify') }),
)
