import { requireUser } from '../auth/authenticate'
import { readParams } from '../http/body'
import { meteredEnv, type RequestData } from '../http/context'
import type { Env } from '../env'
import { unprocessable } from '../http/errors'
import { route, type Context } from '../http/route'
import { linkHeader, parsePage } from '../timelines/page'
import type { ActionContext } from './actions'
import { accountList, type AccountListKind } from './lists'
import { relationship } from './read'

/** A boolean body parameter as clients send it (JSON true/false, or "true"/"1"/"false"/"0"); undefined when absent. */
export function boolParam(params: Record<string, unknown>, name: string): boolean | undefined {
  const v = params[name]
  if (v === undefined || v === null || v === '') return undefined
  if (v === true || v === false) return v
  const s = String(v).toLowerCase()
  if (['true', '1', 'on', 'yes'].includes(s)) return true
  if (['false', '0', 'off', 'no'].includes(s)) return false
  throw unprocessable(`${name} must be true or false`)
}

/**
 * The route for one relationship action on `/:id` (or `/:account_id`): a signed-in person with the
 * scope acts on the account, and the answer is the Relationship as it now stands.
 */
export function relationshipRoute<P extends string>(
  param: P,
  scope: string,
  act: (ctx: ActionContext, targetId: string, params: Record<string, unknown>) => Promise<void>,
): PagesFunction<Env, P, RequestData> {
  return route<P>({
    POST: async (c) => {
      const user = await requireUser(c, scope)
      // Some clients send the options in the query string rather than the body; the body wins.
      const params = { ...Object.fromEntries(new URL(c.request.url).searchParams), ...(await readParams(c.request)) }
      const targetId = String(c.params[param])
      await act({ env: meteredEnv(c.env, c.data), db: c.data.db, viewerId: user.accountId }, targetId, params)
      return Response.json(await relationship(c.data.db, user.accountId, targetId))
    },
  })
}

/** A paged account list (followers, blocks…) with Mastodon's Link header over the rows' ids. */
export async function accountListResponse(c: Context, kind: AccountListKind, ownerId: string): Promise<Response> {
  const url = new URL(c.request.url)
  // Mastodon's account lists: 40 by default, at most 80.
  const page = await accountList(c.data.db, kind, ownerId, parsePage(url.searchParams, { limit: 40, max: 80 }), url.origin)
  const link = linkHeader(c.request.url, page.newest, page.oldest)
  return Response.json(page.accounts, { headers: link ? { Link: link } : {} })
}
