import type { Env } from '../env'
import { database } from '../db/client'
import { didForHandle } from './identity-handles'

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' }

/**
 * `GET https://<handle>/.well-known/atproto-did` for handles under the instance's domain. Pages answers
 * the same path on its own host names; this serves the wildcard ones, which Pages cannot take.
 */
export async function handleHostRequest(request: Request, env: Pick<Env, 'DB'>): Promise<Response> {
  const url = new URL(request.url)
  if (url.pathname !== '/.well-known/atproto-did') return new Response('Not found\n', { status: 404, headers: TEXT })
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed\n', { status: 405, headers: { ...TEXT, Allow: 'GET, HEAD' } })
  const did = await didForHandle(database(env.DB), url.hostname)
  if (did === null) return new Response('No bridged account has this handle\n', { status: 404, headers: TEXT })
  return new Response(request.method === 'HEAD' ? null : did, { headers: { ...TEXT, 'Cache-Control': 'public, max-age=300' } })
}
