import { boolParam, relationshipRoute } from '../../../../../backend/relationships/http'
import { mute } from '../../../../../backend/relationships/actions'
import { unprocessable } from '../../../../../backend/http/errors'

export const onRequest = relationshipRoute('id', 'write:mutes', (ctx, id, params) => {
  const raw = params.duration
  const duration = raw === undefined || raw === null || raw === '' ? null : Number(raw)
  if (duration !== null && (!Number.isInteger(duration) || duration < 0)) throw unprocessable('duration must be a whole number of seconds')
  return mute(ctx, id, { notifications: boolParam(params, 'notifications') ?? true, duration })
})
