// A Worker that exists only in tests: it calls backend functions with the real bindings inside
// workerd, for behaviour that has no HTTP route yet (or that a test must drive directly).
import type { Env } from '../../backend/env'
import { updateSettings, type SettingsPatch } from '../../backend/instance/settings'
import { toResponse } from '../../backend/http/errors'
import { readJsonObject } from '../../backend/http/body'
import { accountSigningKey } from '../../backend/auth/keys'
import { database } from '../../backend/db/client'

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url)
    try {
      if (request.method === 'POST' && pathname === '/instance/settings') {
        await updateSettings(env, (await readJsonObject(request)) as SettingsPatch)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/accounts/sign') {
        // Signs with a local account's stored key, as federation will: proves the sealed key opens.
        const body = (await readJsonObject(request)) as { accountId: string; data: string }
        const key = await accountSigningKey(env, database(env.DB), body.accountId)
        const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(body.data))
        return Response.json({ signature: btoa(String.fromCharCode(...new Uint8Array(signature))) })
      }
      return Response.json({ error: 'no such harness route' }, { status: 404 })
    } catch (err) {
      return toResponse(err)
    }
  },
} satisfies ExportedHandler<Env>
