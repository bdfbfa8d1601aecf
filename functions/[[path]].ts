import type { Env } from '../backend/env'
import { meteredEnv, type RequestData } from '../backend/http/context'
import { fetch as renderFrontend } from '../frontend/server/entry.cloudflare-pages'

// Every path without a Function of its own is a page of the Qwik City frontend. It gets the
// request's metered D1 so page loads are counted like API calls.
export const onRequest: PagesFunction<Env, string, RequestData> = (ctx) =>
  renderFrontend(ctx.request, meteredEnv(ctx.env, ctx.data), ctx)
