import { localAccountByUsername } from '../../backend/federation/collections'
import { renderPerson } from '../../backend/federation/objects'
import { activityResponse, prefersHtml, redirectTo } from '../../backend/federation/serve'
import { route } from '../../backend/http/route'

export const onRequest = route<'username'>({
  GET: async ({ request, data, params }) => {
    const account = await localAccountByUsername(data.db, String(params.username))
    const origin = new URL(request.url).origin
    if (prefersHtml(request)) return redirectTo(account.url ?? `${origin}/@${account.username}`)
    return activityResponse(renderPerson(account, origin), { 'Cache-Control': 'max-age=180' })
  },
})
