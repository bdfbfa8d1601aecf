// A Worker that exists only in tests: it calls backend functions with the real bindings inside
// workerd, for behaviour that has no HTTP route yet (or that a test must drive directly).
import type { Env } from '../../backend/env'
import { updateSettings, type SettingsPatch } from '../../backend/instance/settings'
import { toResponse } from '../../backend/http/errors'
import { readJsonObject } from '../../backend/http/body'
import { invalidate } from '../../backend/cache/client'

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url)
    try {
      if (request.method === 'POST' && pathname === '/instance/settings') {
        await updateSettings(env, (await readJsonObject(request)) as SettingsPatch)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/cache/invalidate') {
        const { shard, key } = (await readJsonObject(request)) as { shard: string; key: string }
        await invalidate(env, shard, key)
        return Response.json({ ok: true })
      }
      return Response.json({ error: 'no such harness route' }, { status: 404 })
    } catch (err) {
      return toResponse(err)
    }
  },
} satisfies ExportedHandler<Env>
