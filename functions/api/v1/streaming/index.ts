import { route } from '../../../../backend/http/route'
import { openStream } from '../../../../backend/streaming/connect'

// The multiplexed WebSocket: streams come from `?stream=` and from subscribe messages.
export const onRequest = route({ GET: (ctx) => openStream(ctx, '') })
