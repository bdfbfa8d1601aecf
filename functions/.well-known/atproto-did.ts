import type { Env } from '../../backend/env'
import type { RequestData } from '../../backend/http/context'
import { handleHostRequest } from '../../backend/atproto/identity-host'

// The https method of handle resolution, on the host name that is the handle (alice.<instance
// domain>). Deployed, those host names reach the consumer Worker's route instead (tf/atproto.tf);
// this answers the same for host names Pages serves, and for local development.
export const onRequest: PagesFunction<Env, string, RequestData> = ({ request, data }) => handleHostRequest(request, { DB: data.d1 })
