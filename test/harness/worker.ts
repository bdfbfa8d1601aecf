// A Worker that exists only in tests: it calls backend functions with the real bindings inside
// workerd, for behaviour that has no HTTP route yet (or that a test must drive directly).
import type { Env } from '../../backend/env'
import { updateSettings, type SettingsPatch } from '../../backend/instance/settings'
import { toResponse } from '../../backend/http/errors'
import { readJsonObject } from '../../backend/http/body'
import { fetchSelfCheck, signatureSelfCheck } from './federation'

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url)
    try {
      if (request.method === 'POST' && pathname === '/instance/settings') {
        await updateSettings(env, (await readJsonObject(request)) as SettingsPatch)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/federation/signatures') return Response.json(await signatureSelfCheck())
      if (request.method === 'POST' && pathname === '/federation/fetch') {
        const { target, allow } = (await readJsonObject(request)) as { target: string; allow: string }
        return Response.json(await fetchSelfCheck(target, allow))
      }
      return Response.json({ error: 'no such harness route' }, { status: 404 })
    } catch (err) {
      return toResponse(err)
    }
  },
} satisfies ExportedHandler<Env>
