// A Worker that exists only in tests: it calls backend functions with the real bindings inside
// workerd, for behaviour that has no HTTP route yet (or that a test must drive directly).
import { newRepoSigningKey, openRepoSigningKey } from '../../backend/atproto/signing-key'
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
import { invalidate } from '../../backend/cache/client'
import { MeteredD1 } from '../../backend/db/metered-d1'
import { database } from '../../backend/db/client'
import { parsePage } from '../../backend/timelines/page'
import { fanOutToHomeFeeds, homeTimelineIds, homeTimelineRows, mergeIntoHomeFeed, publicTimelineRows, removeAuthorFromHomeFeed } from '../../backend/timelines/queries'
import { fetchSelfCheck, resolveForTest, signAsAccount, signatureSelfCheck } from './federation'
import { accountSigningKey } from '../../backend/auth/keys'
import { authorizeFollowRequest, block, follow, rejectFollowRequest, removeFromFollowers, unblock, unfollow } from '../../backend/relationships/actions'
import type { AtprotoProjectMessage, QueueMessage } from '../../backend/queue/messages'
import { project } from '../../backend/atproto/projection/project'
import { accountSigner, signedGet } from '../../backend/federation/signed-fetch'
import { createLocalAccount } from '../../backend/accounts/create'
import { createNotifications, type NewNotification } from '../../backend/notifications/create'
import { streamingRoute } from './streaming'
import { addDomainBlock, removeDomainBlock } from '../../backend/web/admin'
import { invalidateSuspension } from '../../backend/federation/intake-cache'
import { DurableObject } from 'cloudflare:workers'

/**
 * A CacheObject that is down: every call throws. Stacks started with `brokenCache` bind CACHE to it,
 * to prove that reads still answer from D1.
 */
export class BrokenCacheObject extends DurableObject {
  private down(): never {
    throw new Error('cache unavailable (test)')
  }
  get(): never {
    return this.down()
  }
  getMany(): never {
    return this.down()
  }
  fill(): never {
    return this.down()
  }
  fillMany(): never {
    return this.down()
  }
  put(): never {
    return this.down()
  }
  delete(): never {
    return this.down()
  }
  deleteMany(): never {
    return this.down()
  }
  ping(): never {
    return this.down()
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url)
    try {
      if (request.method === 'POST' && pathname === '/notifications/create') {
        const { items } = (await readJsonObject(request)) as { items: NewNotification[] }
        await createNotifications(env, items)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/instance/settings') {
        await updateSettings(env, (await readJsonObject(request)) as SettingsPatch)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/atproto/create-repo') {
        const body = await readJsonObject(request)
        const did = String(body.did)
        return answer(await repoObject(env).createRepo(did, String(body.handle), await newRepoSigningKey(env, did)))
      }
      if (request.method === 'POST' && pathname === '/atproto/apply-writes') {
        const body = await readJsonObject(request, 20_000_000)
        // As every writer does: fetch the sealed key, open it with HERD_KEK, pass it with the write.
        const did = String(body.did)
        const repo = repoObject(env)
        const sealed = await repo.sealedSigningKey(did)
        const key =
          body.foreignKey === true
            ? (await newRepoSigningKey(env, 'did:plc:foreignaaaaaaaaaaaaaaaaa')).privateKey
            : sealed === null
              ? new Uint8Array(32)
              : await openRepoSigningKey(env, did, sealed)
        return answer(await repo.applyWrites(did, body.writes as WriteInput[], key))
      }
      if (request.method === 'POST' && pathname === '/atproto/sealed-key') {
        const { did, openAs } = await readJsonObject(request) as { did: string; openAs?: string }
        const sealed = await repoObject(env).sealedSigningKey(did)
        if (sealed === null) return Response.json({ sealed: null })
        const opened = await openRepoSigningKey(env, openAs ?? did, sealed).then(
          (k) => ({ ok: true, length: k.length }),
          () => ({ ok: false }),
        )
        return Response.json({ sealed, opened })
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
      if (request.method === 'POST' && pathname === '/atproto/project') {
        // Runs one projection as the consumer does, counting the D1 rows it reads and writes.
        const d1 = new MeteredD1(env.DB)
        await project({ ...env, DB: d1 }, (await readJsonObject(request)) as unknown as AtprotoProjectMessage)
        return Response.json({ rowsRead: d1.usage.rowsRead, rowsWritten: d1.usage.rowsWritten, queries: d1.usage.queries })
      }
      if (request.method === 'POST' && pathname === '/atproto/upload-blob') {
        const url = new URL(request.url)
        const bytes = new Uint8Array(await request.arrayBuffer())
        return answer(await putBlob(env, url.searchParams.get('did') ?? '', bytes, request.headers.get('Content-Type') ?? 'application/octet-stream'))
      }
      if (request.method === 'POST' && pathname === '/cache/invalidate') {
        const { shard, key } = (await readJsonObject(request)) as { shard: string; key: string }
        await invalidate(env, shard, key)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/cache/invalidate-suspension') {
        await invalidateSuspension(env, ((await readJsonObject(request)) as { host: string }).host)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/admin/domain-block') {
        // The owner page's form action, without its session and CSRF steps.
        const body = (await readJsonObject(request)) as { domain: string; severity?: string; remove?: boolean }
        const db = database(new MeteredD1(env.DB))
        if (body.remove === true) await removeDomainBlock(env, db, body.domain)
        else await addDomainBlock(env, db, body)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/cache/probe') {
        // One cache read against one indexed D1 read, timed inside the Worker: what a cache hit saves.
        const stub = env.CACHE.get(env.CACHE.idFromName('probe'))
        await stub.put('probe', '{"id":"1"}')
        const time = async (f: () => Promise<unknown>): Promise<number> => {
          await f()
          const t = performance.now()
          for (let i = 0; i < 50; i++) await f()
          return (performance.now() - t) / 50
        }
        const cacheGet = await time(() => stub.get('probe'))
        const d1Read = await time(() => env.DB.prepare("SELECT * FROM accounts WHERE domain = '' LIMIT 1").first())
        return Response.json({ cacheGetMs: cacheGet, d1ReadMs: d1Read })
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
      if (pathname.startsWith('/timelines/')) return await timelines(request, env)
      if (request.method === 'POST' && pathname === '/relationships/act') return await relationshipAct(request, env)
      if (request.method === 'POST' && pathname === '/notifications/create') {
        await createNotifications(env, ((await readJsonObject(request)) as { items: NewNotification[] }).items)
        return Response.json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/federation/signatures') return Response.json(await signatureSelfCheck())
      if (request.method === 'POST' && pathname === '/federation/fetch') {
        const { target, allow } = (await readJsonObject(request)) as { target: string; allow: string }
        return Response.json(await fetchSelfCheck(target, allow))
      }
      if (request.method === 'POST' && pathname === '/federation/sign') {
        return Response.json(await signAsAccount(env, (await readJsonObject(request)) as Parameters<typeof signAsAccount>[1]))
      }
      if (request.method === 'POST' && pathname === '/federation/resolve') {
        return Response.json(await resolveForTest(env, String((await readJsonObject(request)).query)))
      }
      if (request.method === 'POST' && pathname === '/accounts/sign') {
        // Signs with a local account's stored key, as federation will: proves the sealed key opens.
        const body = (await readJsonObject(request)) as { accountId: string; data: string }
        const key = await accountSigningKey(env, database(env.DB), body.accountId)
        const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(body.data))
        return Response.json({ signature: btoa(String.fromCharCode(...new Uint8Array(signature))) })
      }
      if (pathname.startsWith('/streaming/')) return await streamingRoute(request, env, pathname)
      if (request.method === 'POST' && pathname === '/federation/signed-get') {
        const { accountId, url } = (await readJsonObject(request)) as { accountId: string; url: string }
        const res = await signedGet(env, url, await accountSigner(env, database(env.DB), accountId))
        return Response.json({ status: res.status, body: new TextDecoder().decode(res.body) })
      }
      if (request.method === 'POST' && pathname === '/accounts/create-local') {
        // A local account with its sealed key, for the fan-out bench (which runs no Pages).
        const { username, origin } = (await readJsonObject(request)) as { username: string; origin: string }
        const user = { email: `${username}@bench.invalid`, passwordHash: null, approved: true, reason: '' }
        return Response.json(await createLocalAccount(env, env.DB, { username, displayName: '', origin, user }))
      }
      if (request.method === 'POST' && pathname === '/queue/send') {
        // Enqueues a message as a local action would, e.g. {type:'federate', ...}.
        await env.QUEUE.send((await readJsonObject(request)) as unknown as QueueMessage, { contentType: 'json' })
        return Response.json({ ok: true })
      }
      return Response.json({ error: 'no such harness route' }, { status: 404 })
    } catch (err) {
      return toResponse(err)
    }
  },
} satisfies ExportedHandler<Env>

/** Timeline queries with their D1 cost, for paging and rows-read tests. */
async function timelines(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url)
  const d1 = new MeteredD1(env.DB)
  const db = database(d1)
  const kind = url.pathname.slice('/timelines/'.length)
  if (request.method === 'POST') {
    const body = (await readJsonObject(request)) as Record<string, string>
    if (kind === 'fan-out') await fanOutToHomeFeeds(db, body.statusId ?? '')
    else if (kind === 'merge') await mergeIntoHomeFeed(db, body.followerId ?? '', body.targetId ?? '')
    else if (kind === 'remove-author') await removeAuthorFromHomeFeed(db, body.accountId ?? '', body.authorId ?? '')
    else return Response.json({ error: 'unknown timeline operation' }, { status: 404 })
    return Response.json({ rowsRead: d1.usage.rowsRead, rowsWritten: d1.usage.rowsWritten })
  }
  const page = parsePage(url.searchParams)
  // viewer=<account id>: the signed-in reads, with that account's blocks and mutes applied.
  const viewer = url.searchParams.get('viewer')
  const ids =
    kind === 'home'
      ? await homeTimelineIds(db, url.searchParams.get('account') ?? '', page)
      : kind === 'home-rows'
        ? (await homeTimelineRows(db, url.searchParams.get('account') ?? '', page)).map((r) => r.id)
        : (await publicTimelineRows(db, kind === 'local' || kind === 'remote' ? kind : 'all', page, false, viewer)).map((r) => r.id)
  return Response.json({ ids, rowsRead: d1.usage.rowsRead })
}

/**
 * Runs a relationship action with a queue that records what it sends, so tests can check the
 * `federate` messages (the real consumer belongs to federation).
 */
async function relationshipAct(request: Request, env: Env): Promise<Response> {
  const body = (await readJsonObject(request)) as { action: string; viewerId: string; targetId: string; reblogs?: boolean; notify?: boolean }
  const sent: unknown[] = []
  const queue = {
    send: (message: unknown) => {
      sent.push(message)
      return Promise.resolve()
    },
    sendBatch: (messages: Iterable<{ body: unknown }>) => {
      for (const m of messages) sent.push(m.body)
      return Promise.resolve()
    },
  } as unknown as Env['QUEUE']
  const ctx = { env: { DB: env.DB, QUEUE: queue }, db: database(env.DB), viewerId: body.viewerId }
  const actions: Record<string, () => Promise<void>> = {
    follow: () => follow(ctx, body.targetId, { reblogs: body.reblogs, notify: body.notify }),
    unfollow: () => unfollow(ctx, body.targetId),
    block: () => block(ctx, body.targetId),
    unblock: () => unblock(ctx, body.targetId),
    authorize: () => authorizeFollowRequest(ctx, body.targetId),
    reject: () => rejectFollowRequest(ctx, body.targetId),
    remove: () => removeFromFollowers(ctx, body.targetId),
  }
  const act = actions[body.action]
  if (!act) return Response.json({ error: 'unknown action' }, { status: 404 })
  await act()
  return Response.json({ messages: sent.filter((m) => (m as { type?: string }).type === 'federate') })
}
