import type { Db } from '../db/client'
import type { Env } from '../env'
import { checkCsrf } from '../auth/cookies'
import { currentIdentity } from '../auth/identity'
import { HttpError } from '../http/errors'
import { seeOther } from '../http/form'
import { optIn, optOut, parseSettings, updateBridge } from '../atproto/identity'
import { BLUESKY_PAGE } from './bluesky'

const ACTIONS: Record<string, (env: Env, db: Db, accountId: string, origin: string, params: Record<string, unknown>) => Promise<unknown>> = {
  on: (env, db, id, origin, p) => optIn(env, db, id, origin, parseSettings({ long_posts: p.long_posts })),
  off: (env, db, id) => optOut(env, db, id),
  settings: (env, db, id, origin, p) => updateBridge(env, db, id, origin, parseSettings({ long_posts: p.long_posts, ...(typeof p.handle === 'string' && p.handle.trim() !== '' ? { handle: p.handle } : {}) })),
}

/**
 * The settings page's forms. Same-site form with its CSRF token, signed in; the account acted on is
 * the session's own, never one named in the form. Errors, including an unreachable PLC directory,
 * go back to the page as a message.
 */
export async function blueskyFormAction(env: Env, db: Db, request: Request, action: string, params: Record<string, unknown>): Promise<Response> {
  const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined
  if (run === undefined) throw new HttpError(404, 'No such form')
  checkCsrf(request, params.csrf)
  const identity = await currentIdentity(env, db, request)
  const accountId = identity.user?.account_id ?? null
  if (accountId === null) throw new HttpError(401, 'Sign in first')
  try {
    await run(env, db, accountId, new URL(request.url).origin, params)
  } catch (err) {
    if (!(err instanceof HttpError)) throw err
    return seeOther(`${BLUESKY_PAGE}?${new URLSearchParams({ error: err.message })}`)
  }
  return seeOther(`${BLUESKY_PAGE}?saved=1`)
}
