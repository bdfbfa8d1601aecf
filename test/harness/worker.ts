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
      if (request.method === 'POST' && pathname === '/cache/op') {
        // Drives the CacheObject directly, to test its version rules.
        const op = (await readJsonObject(request)) as { shard: string; op: 'get' | 'put' | 'fill' | 'delete'; key: string; json?: string; version?: number; ttl?: number }
        const stub = env.CACHE.get(env.CACHE.idFromName(op.shard))
        if (op.op === 'get') return Response.json(await stub.get(op.key))
        if (op.op === 'put') return Response.json({ version: await stub.put(op.key, op.json ?? 'null', op.ttl) })
        if (op.op === 'fill') return Response.json({ filled: await stub.fill(op.key, op.json ?? 'null', op.version ?? 0, op.ttl) })
        return Response.json({ version: await stub.delete(op.key) })
      }
      return Response.json({ error: 'no such harness route' }, { status: 404 })
    } catch (err) {
      return toResponse(err)
    }
  },
} satisfies ExportedHandler<Env>
