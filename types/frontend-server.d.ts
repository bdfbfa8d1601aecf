// The Qwik City server bundle is build output (frontend/server/), so its type is declared here.
declare module '*/frontend/server/entry.cloudflare-pages' {
  import type { Env } from '../backend/env'
  export function fetch(request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response>
}
