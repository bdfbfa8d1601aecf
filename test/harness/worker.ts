// A Worker that exists only in tests: it calls backend functions with the real bindings inside
// workerd, for behaviour that has no HTTP route yet (or that a test must drive directly).
import type { Env } from '../../backend/env'
import { updateSettings, type SettingsPatch } from '../../backend/instance/settings'
import { toResponse } from '../../backend/http/errors'
import { readJsonObject } from '../../backend/http/body'
import { repoObject } from '../../backend/atproto/repos'
import { putBlob } from '../../backend/atproto/blobs'
import type { RepoResult, WriteInput } from '../../do/repo/types'
import { runInterop, type InteropRequest } from './atproto-interop'

function answer<T>(result: RepoResult<T>): Response {
  return result.ok ? Response.json(result.value) : Response.json({ error: result.error, message: result.message }, { status: 400 })
}

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url)
    try {
      if (request.method === 'POST' && pathname === '/instance/settings') {
        await updateSettings(env, (await readJsonObject(request)) as SettingsPatch)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/atproto/create-repo') {
        const body = await readJsonObject(request)
        return answer(await repoObject(env).createRepo(String(body.did), String(body.handle)))
      }
      if (request.method === 'POST' && pathname === '/atproto/apply-writes') {
        const body = await readJsonObject(request, 20_000_000)
        return answer(await repoObject(env).applyWrites(String(body.did), body.writes as WriteInput[]))
      }
      // The firehose straight from the RepoObject, for the bench (which runs no Pages).
      if (pathname === '/atproto/subscribe') return await repoObject(env).fetch(request)
      if (request.method === 'POST' && pathname === '/atproto/interop') {
        return Response.json(await runInterop((await readJsonObject(request, 10_000_000)) as InteropRequest))
      }
      if (request.method === 'POST' && pathname === '/atproto/prune') {
        await repoObject(env).pruneThrough(Number((await readJsonObject(request)).seq))
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/atproto/upload-blob') {
        const url = new URL(request.url)
        const bytes = new Uint8Array(await request.arrayBuffer())
        return answer(await putBlob(env, url.searchParams.get('did') ?? '', bytes, request.headers.get('Content-Type') ?? 'application/octet-stream'))
      }
      return Response.json({ error: 'no such harness route' }, { status: 404 })
    } catch (err) {
      return toResponse(err)
    }
  },
} satisfies ExportedHandler<Env>
