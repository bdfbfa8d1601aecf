import { route } from '../http/route'
import { localAccountByUsername, renderCollection, type CollectionName } from './collections'
import { activityResponse } from './serve'

/** The route of one of a local actor's collections (`/users/:username/<name>`). */
export function collectionRoute(name: CollectionName) {
  return route<'username'>({
    GET: async ({ request, data, params }) => {
      const account = await localAccountByUsername(data.db, String(params.username))
      return activityResponse(await renderCollection(data.db, account, name, request.url), { 'Cache-Control': 'max-age=60' })
    },
  })
}
